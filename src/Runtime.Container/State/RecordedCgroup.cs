using Runsharp.Cgroups;

namespace Runsharp.Container.State;

/// <summary>The container's cgroup as create recorded it. Later commands never re-resolve cgroupsPath: they may
/// run in another cgroup than create did.</summary>
public static class RecordedCgroup
{
    /// <summary>Null when create made no cgroup (rootless without permission).</summary>
    public static ICgroupManager? Load(ContainerRecord record)
    {
        if (record.CgroupsPath is null || !Enum.TryParse<CgroupMode>(record.CgroupMode, out var mode)) return null;
        var paths = new CgroupPaths(record.CgroupsPath, record.CgroupV1 ?? [], record.CgroupUnified);
        return CgroupManagerFactory.Load(mode, paths, record.CgroupCreatedDepth);
    }
}
