namespace Runsharp.Cgroups;

/// <summary>How the host mounts cgroups.</summary>
public enum CgroupMode
{
    /// <summary>Only v1 hierarchies.</summary>
    Legacy,
    /// <summary>v1 controllers plus a cgroup2 mount without controllers (e.g. /sys/fs/cgroup/unified).</summary>
    Hybrid,
    /// <summary>Pure cgroup v2.</summary>
    Unified,
}

/// <summary>The mode's name as state.json keeps it ("Legacy", "Hybrid", "Unified"). A switch rather than
/// Enum.ToString/Enum.Parse: those read the enum's names from reflection metadata at run time, in every create, start,
/// kill and delete.</summary>
public static class CgroupModeNames
{
    public static string Name(this CgroupMode mode) => mode switch
    {
        CgroupMode.Legacy => "Legacy",
        CgroupMode.Hybrid => "Hybrid",
        CgroupMode.Unified => "Unified",
        _ => ((int)mode).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static bool TryParse(string? name, out CgroupMode mode)
    {
        switch (name)
        {
            case "Legacy": mode = CgroupMode.Legacy; return true;
            case "Hybrid": mode = CgroupMode.Hybrid; return true;
            case "Unified": mode = CgroupMode.Unified; return true;
            default: mode = default; return false;
        }
    }
}
