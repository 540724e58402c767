using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Process;

/// <summary>
/// The child's own entry into its v1 cgroups (see Lifecycle/InitCgroupJoin): "0" written to each hierarchy's tasks
/// file is this thread, the whole single-threaded child. Compiled first, before anything forks, joins namespaces
/// or unshares the cgroup namespace.
/// </summary>
public static class CgroupJoinCompiler
{
    public static void Compile(PlanBuilder plan, IReadOnlyList<(int Fd, string Controller)> taskFds, string? failure = null)
    {
        if (taskFds.Count == 0) return;
        var self = plan.String("0");
        foreach (var (fd, controller) in taskFds)
        {
            plan.Syscall(failure is null ? $"unable to join the container's {controller} cgroup" : $"{failure} ({controller})",
                Sys.write, fd, self, 1);
            plan.Syscall("close", Sys.close, fd);
        }
    }
}
