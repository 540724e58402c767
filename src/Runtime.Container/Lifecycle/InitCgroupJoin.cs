using Runsharp.Cgroups;
using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Lifecycle;

/// <summary>
/// How the init enters its cgroups without the kernel's cgroup-wide lock. Writing another process's pid to
/// cgroup.procs takes cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period (9-15 ms measured
/// here) unless it was taken moments before. Two ways around it, each falling back to the parent's write:
/// <list type="bullet">
/// <item>cgroup2: the init is born in its cgroup (clone3 with CLONE_INTO_CGROUP and <see cref="UnifiedFd"/>);</item>
/// <item>cgroup v1: the child writes "0" (itself) to each hierarchy's <c>tasks</c> file through <see cref="TaskFds"/>,
/// opened here: moving the calling thread needs no threadgroup lock, and the single-threaded child is the whole
/// process. The kernel checks the opener's credentials, so a child in a new user namespace may do it.</item>
/// </list>
/// </summary>
public sealed class InitCgroupJoin
{
    /// <summary>One fd per v1 hierarchy (its <c>tasks</c> file, write-only), with the controller for messages.</summary>
    public IReadOnlyList<(int Fd, string Controller)> TaskFds { get; private init; } = [];

    /// <summary>The cgroup2 directory for clone3, or -1.</summary>
    public int UnifiedFd { get; private init; } = -1;

    /// <summary>Opens what can be opened; every fd is added to <paramref name="fds"/> (the caller closes them).
    /// The v1 path is all or nothing: a hierarchy we cannot open (rootless) leaves all of v1 to the parent.</summary>
    public static InitCgroupJoin Open(ICgroupManager? cgroup, List<int> fds)
    {
        if (cgroup is null) return new InitCgroupJoin();
        var tasks = new List<(int, string)>();
        foreach (var (controller, dir) in cgroup.Paths.V1)
        {
            int fd = Posix.TryOpen(Path.Combine(dir, "tasks"), Flags.O_WRONLY);
            if (fd < 0)
            {
                foreach (var (opened, _) in tasks) { Posix.Close(opened); fds.Remove(opened); }
                tasks.Clear();
                break;
            }
            fds.Add(fd);
            tasks.Add((fd, controller));
        }
        int unified = -1;
        if (cgroup.V2Path is { } v2)
        {
            // Not O_PATH: clone3 refuses those.
            unified = Posix.TryOpen(v2, Flags.O_RDONLY | Flags.O_DIRECTORY);
            if (unified >= 0) fds.Add(unified);
            else unified = -1;
        }
        return new InitCgroupJoin { TaskFds = tasks, UnifiedFd = unified };
    }

    /// <summary>Whether the child's own writes and the clone covered every hierarchy, so the parent writes nothing.</summary>
    public bool Complete(ICgroupManager cgroup, bool bornInUnified) =>
        TaskFds.Count == cgroup.Paths.V1.Count && (cgroup.V2Path is null || bornInUnified);
}
