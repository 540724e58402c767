using Runsharp.Cgroups;

namespace Runsharp.Container.State;

/// <summary>A container's cgroup, re-opened from the directories saved in state.json (never re-resolved: a
/// later command may run in another cgroup than create did).</summary>
public static class ContainerCgroup
{
    /// <summary>Null when the container has no cgroup of its own (rootless without access).</summary>
    public static ICgroupManager? Of(ContainerRecord record)
    {
        if (record.CgroupsPath is null || !Enum.TryParse<CgroupMode>(record.CgroupMode, out var mode)) return null;
        var paths = new CgroupPaths(record.CgroupsPath, record.CgroupV1 ?? [], record.CgroupUnified);
        return CgroupManagerFactory.Load(mode, paths, record.CgroupCreatedDepth);
    }

    /// <summary>Paused means the container's own cgroup is frozen (or being frozen). A freezer that cannot be
    /// read counts as not paused, so that `state` and `list` still answer.</summary>
    public static bool IsPaused(ContainerRecord record)
    {
        try { return Of(record)?.GetFreezerState() == FreezerState.Frozen; }
        catch (CgroupException) { return false; }
    }
}
