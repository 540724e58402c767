namespace Runsharp.Cgroups;

/// <summary>What the cgroup freezer says about a container's cgroup.</summary>
public enum FreezerState
{
    /// <summary>No freezer here (v1 freezer not mounted, or a kernel without cgroup.freeze).</summary>
    Undefined,
    Thawed,
    /// <summary>Frozen by its own freezer file (a freeze inherited from an ancestor does not count, as in runc).</summary>
    Frozen,
}
