namespace Runsharp.Cgroups;

/// <summary>Picks the manager for the host: v1 (with the cgroup2 extra on Hybrid hosts) or v2.</summary>
public static class CgroupManagerFactory
{
    public static ICgroupManager Create(CgroupHost host, string? cgroupsPath, string containerId, CgroupManagerOptions? options = null)
    {
        options ??= new CgroupManagerOptions();
        var own = options.Own ?? (NeedsOwnCgroup(cgroupsPath, options.DefaultParent) ? OwnCgroup.Read() : new OwnCgroup(new Dictionary<string, string>(), "/"));
        var paths = CgroupPathResolver.Resolve(host, own, cgroupsPath, containerId, options.DefaultParent);
        return host.Mode == CgroupMode.Unified
            ? new V2.V2Manager(paths, options.CreatedDepth, options.CreatedDevices, options.CreatedDepths)
            : new V1.V1Manager(paths, options.CreatedDepth, options.CreatedDevices, options.CreatedDepths);
    }

    /// <summary>Re-opens a container's cgroup from the directories saved at create time. Later commands
    /// (kill, delete) must use this rather than re-resolving a relative path, because they may run in a
    /// different cgroup than the create did (runc keeps cgroup paths in state.json for the same reason).
    /// An update that sets device rules should pass the spec's linux.devices (<paramref name="createdDevices"/>)
    /// so the rules come out as they did at create. <paramref name="createdDepths"/>: the per-directory depths
    /// (<see cref="ICgroupManager.CreatedDepths"/>), where recorded; they win over <paramref name="createdDepth"/>.</summary>
    public static ICgroupManager Load(CgroupMode mode, CgroupPaths paths, int createdDepth,
        IReadOnlyList<Runsharp.Spec.LinuxDevice>? createdDevices = null, IReadOnlyDictionary<string, int>? createdDepths = null) =>
        mode == CgroupMode.Unified
            ? new V2.V2Manager(paths, createdDepth, createdDevices, createdDepths)
            : new V1.V1Manager(paths, createdDepth, createdDevices, createdDepths);

    /// <summary>Only relative paths depend on our own cgroup; skip the read otherwise.</summary>
    static bool NeedsOwnCgroup(string? cgroupsPath, string defaultParent) =>
        string.IsNullOrEmpty(cgroupsPath) ? !defaultParent.StartsWith('/') : !cgroupsPath.StartsWith('/');
}
