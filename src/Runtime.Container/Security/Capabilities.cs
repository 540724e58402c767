using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Security;

/// <summary>Capability sets as the kernel takes them: names to numbers and masks.</summary>
public static class Capabilities
{
    /// <summary>Index is the capability number (the spec project owns the table).</summary>
    public static IReadOnlyList<string> Names => CapabilityNames.All;

    /// <summary>The number of a capability name, or -1.</summary>
    public static int Number(string name) =>
        CapabilityNames.TryGetNumber(name, out int n) ? n : -1;

    /// <summary>The set as a 64-bit mask; caps this kernel does not know (above cap_last_cap) are left out, as runc does.</summary>
    public static ulong Mask(IEnumerable<string>? names, int lastCap, string field)
    {
        ulong mask = 0;
        if (names is null) return 0;
        int i = 0;
        foreach (var name in names)
        {
            int n = Number(name);
            // Unknown but well-formed names were warned about by the validator and are not granted;
            // a malformed one reaching here (e.g. exec --cap) is still an error.
            if (n < 0 && !CapabilityNames.IsWellFormed(name))
                throw new ContainerException($"{field}[{i}]: \"{name}\" is not a capability name");
            if (n >= 0 && n <= lastCap) mask |= 1UL << n;
            i++;
        }
        return mask;
    }

    /// <summary>This process's bounding set: what any child of ours can ever hold, in whatever user namespace.</summary>
    public static ulong OwnBoundingSet(int lastCap)
    {
        ulong mask = 0;
        for (int cap = 0; cap <= lastCap && cap < 64; cap++)
            if (RawSyscall.Invoke(Sys.prctl, Flags.PR_CAPBSET_READ, cap) == 1) mask |= 1UL << cap;
        return mask;
    }

    /// <summary>Names in <paramref name="names"/> that are outside <paramref name="bounding"/>.</summary>
    public static IEnumerable<string> Outside(IEnumerable<string>? names, ulong bounding, int lastCap) =>
        (names ?? []).Where(name => Number(name) is int n && n >= 0 && n <= lastCap && (bounding & (1UL << n)) == 0);

    /// <summary>The kernel's highest capability number.</summary>
    public static int LastCap()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim()); }
        catch (IOException) { return Names.Count - 1; }
    }
}
