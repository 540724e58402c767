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
