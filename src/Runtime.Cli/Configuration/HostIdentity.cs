namespace Runsharp.Cli.Configuration;

/// <summary>
/// What runc's choice of default --root depends on: effective uid, whether we run in a user namespace,
/// $XDG_RUNTIME_DIR and $USER. Read from /proc, so no P/Invoke.
/// </summary>
public sealed record HostIdentity(bool IsRoot, bool InUserNamespace, string? XdgRuntimeDir, string? User)
{
    public static HostIdentity Current() => new(
        ReadEffectiveUid() == 0,
        ReadInUserNamespace(),
        Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"),
        Environment.GetEnvironmentVariable("USER"));

    /// <summary>
    /// runc's shouldHonorXDGRuntimeDir: use $XDG_RUNTIME_DIR when it is set and we are not real root
    /// (non-zero euid, or root inside a user namespace with $USER other than "root").
    /// </summary>
    public bool ShouldUseXdgRuntimeDir
    {
        get
        {
            if (string.IsNullOrEmpty(XdgRuntimeDir)) return false;
            if (!IsRoot) return true;
            if (!InUserNamespace) return false;
            return User != "root";
        }
    }

    private static long ReadEffectiveUid()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("Uid:", StringComparison.Ordinal)) continue;
                var fields = line[4..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 1 && long.TryParse(fields[1], out long euid) ? euid : -1;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return -1;
    }

    /// <summary>The initial user namespace maps the whole uid range: "0 0 4294967295".</summary>
    private static bool ReadInUserNamespace()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return !(fields.Length == 3 && fields[0] == "0" && fields[1] == "0" && fields[2] == "4294967295");
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
