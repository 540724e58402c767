using Runsharp.Cgroups;
using Runsharp.Spec;

namespace Runsharp.Container.Lifecycle;

/// <summary>
/// runc's rootless cgroup rule: an unprivileged runtime (--rootless true, or auto and not root) that may not create
/// or join the container's cgroup goes on without one, unless the spec asks for limits, which would then silently
/// not apply: that is an error that names linux.resources. Device rules alone do not count (a container in a user
/// namespace cannot create device nodes anyway, and `spec --rootless` keeps none).
/// </summary>
public static class RootlessCgroup
{
    private const int EPERM = 1, EACCES = 13, EROFS = 30;

    /// <summary>Create() and Set(); null when the cgroup was skipped.</summary>
    public static ICgroupManager? Create(ICgroupManager cgroup, LinuxResources? resources, bool rootless, Action<string>? debug)
    {
        try
        {
            cgroup.Create(resources);
            if (resources is not null) cgroup.Set(resources);
            return cgroup;
        }
        catch (CgroupException e) when (rootless && IsPermission(e))
        {
            return Skip(cgroup, resources, e, debug);
        }
    }

    /// <summary>AddProcess(); null when the cgroup was skipped (created, but not ours to join).</summary>
    public static ICgroupManager? AddProcess(ICgroupManager? cgroup, int pid, LinuxResources? resources, bool rootless, Action<string>? debug)
    {
        if (cgroup is null) return null;
        try
        {
            cgroup.AddProcess(pid);
            return cgroup;
        }
        catch (CgroupException e) when (rootless && IsPermission(e))
        {
            return Skip(cgroup, resources, e, debug);
        }
    }

    /// <summary>Anything in linux.resources a cgroup would have to enforce (device rules aside).</summary>
    public static bool HasLimits(LinuxResources? r) => r is not null &&
        (r.Memory is not null || r.Cpu is not null || r.Pids is not null || r.BlockIO is not null ||
         r.HugepageLimits is { Count: > 0 } || r.Network is not null || r.Rdma is { Count: > 0 } ||
         r.Unified is { Count: > 0 });

    private static bool IsPermission(CgroupException e) => e.Errno is EPERM or EACCES or EROFS;

    private static ICgroupManager? Skip(ICgroupManager cgroup, LinuxResources? resources, CgroupException e, Action<string>? debug)
    {
        try { cgroup.Destroy(); }
        catch (CgroupException d) { debug?.Invoke($"rootless: removing the partial cgroup: {d.Message}"); }
        if (HasLimits(resources))
            throw new ContainerException($"linux.resources: cannot apply the container's cgroup limits without privileges: {e.Message}");
        debug?.Invoke($"rootless: running without a cgroup of its own: {e.Message}");
        return null;
    }
}
