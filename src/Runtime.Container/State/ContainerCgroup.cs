using Runsharp.Cgroups;

namespace Runsharp.Container.State;

/// <summary>A container's cgroup, re-opened from the directories saved in state.json (never re-resolved: a
/// later command may run in another cgroup than create did).</summary>
public static class ContainerCgroup
{
    /// <summary>Null when the container has no cgroup of its own (rootless without access).</summary>
    /// <param name="createdDevices">linux.devices of the saved config, when device rules are to be written
    /// (update): they shape the rule sequence exactly as at create.</param>
    public static ICgroupManager? Of(ContainerRecord record, IReadOnlyList<Runsharp.Spec.LinuxDevice>? createdDevices = null)
    {
        if (record.CgroupsPath is null || !CgroupModeNames.TryParse(record.CgroupMode, out var mode)) return null;
        var paths = new CgroupPaths(record.CgroupsPath, record.CgroupV1 ?? [], record.CgroupUnified);
        return CgroupManagerFactory.Load(mode, paths, record.CgroupCreatedDepth, createdDevices, record.CgroupCreatedDepths);
    }

    /// <summary>
    /// The cgroup an exec'd process joins: the container's, or with `exec --cgroup` the sub-cgroups named there
    /// (<see cref="SubCgroups"/>), which must already exist. Null when the container has no cgroup of its own.
    /// </summary>
    public static ICgroupManager? ForExec(ContainerRecord record, IReadOnlyList<string> subCgroups)
    {
        var cgroup = Of(record);
        if (subCgroups.Count == 0) return cgroup;
        if (cgroup is null) throw new ContainerException("exec --cgroup: the container has no cgroup of its own (a rootless container without cgroup access)");
        CgroupModeNames.TryParse(record.CgroupMode, out var mode);
        CgroupPaths paths;
        try { paths = SubCgroups.Parse(subCgroups).Apply(cgroup.Paths, mode); }
        catch (CgroupException e) { throw new ContainerException(e.Message); }
        foreach (var dir in paths.AllDirs.Except(cgroup.Paths.AllDirs))
            if (!Directory.Exists(dir))
                throw new ContainerException($"exec --cgroup {string.Join(" --cgroup ", subCgroups)}: the sub-cgroup {dir} does not exist (create it first)");
        return CgroupManagerFactory.Load(mode, paths, createdDepth: 0);
    }

    /// <summary>Paused means the container's own cgroup is frozen (or being frozen). A freezer that cannot be
    /// read counts as not paused, so that `state` and `list` still answer.</summary>
    public static bool IsPaused(ContainerRecord record)
    {
        try { return Of(record)?.GetFreezerState() == FreezerState.Frozen; }
        catch (CgroupException) { return false; }
    }
}
