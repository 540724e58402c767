using Runsharp.Spec;

namespace Runsharp.Container.Security;

/// <summary>Capability sets as the kernel takes them: names to numbers and masks.</summary>
public static class Capabilities
{
    /// <summary>Index is the capability number (the spec project owns the table).</summary>
    public static IReadOnlyList<string> Names => CapabilityNames.All;

    /// <summary>The number of a capability name, or -1; case does not matter here (validation is stricter).</summary>
    public static int Number(string name) =>
        CapabilityNames.TryGetNumber(name, out int n) || CapabilityNames.TryGetNumber(name.ToUpperInvariant(), out n) ? n : -1;

    /// <summary>The set as a 64-bit mask; caps this kernel does not know (above cap_last_cap) are left out, as runc does.</summary>
    public static ulong Mask(IEnumerable<string>? names, int lastCap, string field)
    {
        ulong mask = 0;
        if (names is null) return 0;
        int i = 0;
        foreach (var name in names)
        {
            int n = Number(name);
            if (n < 0) throw new ContainerException($"{field}[{i}]: unknown capability \"{name}\"");
            if (n <= lastCap) mask |= 1UL << n;
            i++;
        }
        return mask;
    }

    /// <summary>The kernel's highest capability number.</summary>
    public static int LastCap()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim()); }
        catch (IOException) { return Names.Count - 1; }
    }
}
