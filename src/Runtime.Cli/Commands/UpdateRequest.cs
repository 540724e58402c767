using Runsharp.Cli.CommandLine;
using Runsharp.Container;
using Runsharp.Spec;

namespace Runsharp.Cli.Commands;

/// <summary>
/// `update`'s request, from --resources (a LinuxResources document; the other flags are then ignored, as in
/// runc) or from the flags. A flag not given, or given as 0 or "", leaves the value alone. Errors name the flag.
/// </summary>
public static class UpdateRequest
{
    public static LinuxResources FromFlags(ParsedCommandLine cmd)
    {
        var r = new LinuxResources
        {
            Memory = new LinuxMemory
            {
                Limit = Size(cmd, "memory"),
                Reservation = Size(cmd, "memory-reservation"),
                Swap = Size(cmd, "memory-swap"),
                Kernel = Size(cmd, "kernel-memory"),
                KernelTCP = Size(cmd, "kernel-memory-tcp"),
            },
            Cpu = new LinuxCpu
            {
                Shares = UInt(cmd, "cpu-share"),
                Quota = Int(cmd, "cpu-quota"),
                Period = UInt(cmd, "cpu-period"),
                RealtimeRuntime = Int(cmd, "cpu-rt-runtime"),
                RealtimePeriod = UInt(cmd, "cpu-rt-period"),
                Cpus = cmd.GetStringOrNull("cpuset-cpus"),
                Mems = cmd.GetStringOrNull("cpuset-mems"),
            },
            Pids = new LinuxPids { Limit = cmd.GetInt("pids-limit") },
        };
        int weight = cmd.GetInt("blkio-weight");
        if (weight != 0)
        {
            // runc truncates to 16 bits; a value that does not fit is a mistake, not a weight.
            if (weight is < 0 or > ushort.MaxValue)
                throw new ContainerException($"invalid value for blkio-weight: {weight} is out of range (the kernel takes 10 to 1000)");
            r.BlockIO = new LinuxBlockIO { Weight = (ushort)weight };
        }
        return r;
    }

    /// <summary>The document --resources names: a path, or "-" for stdin.</summary>
    public static LinuxResources FromFile(string source)
    {
        byte[] json;
        string label = source == "-" ? "stdin" : source;
        try
        {
            if (source == "-")
            {
                using var stdin = Console.OpenStandardInput();
                using var buffer = new MemoryStream();
                stdin.CopyTo(buffer);
                json = buffer.ToArray();
            }
            else json = File.ReadAllBytes(source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerException($"unable to read the resources from {label}", e);
        }
        try { return SpecLoader.ParseResources(json, label); }
        catch (SpecException e)
        {
            // The message names the field (memory.limit); the JSON library's own text stays out of it.
            throw new ContainerException(e.JsonPath is null ? $"invalid resources: {e.Message}" : $"invalid resources in {label}: {e.Message}");
        }
    }

    static ulong? UInt(ParsedCommandLine cmd, string flag)
    {
        if (cmd.GetStringOrNull(flag) is not { } text) return null;
        return GoNumbers.TryParseUInt64(text, out var v, out var error) ? v : throw Invalid(flag, error);
    }

    static long? Int(ParsedCommandLine cmd, string flag)
    {
        if (cmd.GetStringOrNull(flag) is not { } text) return null;
        return GoNumbers.TryParseInt64(text, out var v, out var error) ? v : throw Invalid(flag, error);
    }

    /// <summary>A byte size ("512m", "1g") or "-1" for unlimited.</summary>
    static long? Size(ParsedCommandLine cmd, string flag)
    {
        if (cmd.GetStringOrNull(flag) is not { } text) return null;
        if (text == "-1") return -1;
        return GoNumbers.TryParseRamSize(text, out var v, out var error) ? v : throw Invalid(flag, error);
    }

    static ContainerException Invalid(string flag, string error) => new($"invalid value for {flag}: {error}");
}
