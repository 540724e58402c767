using System.Runtime.InteropServices;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Process;

/// <summary>
/// Forks the container's init and runs the parent's half of the handshake (see <see cref="SyncRecord"/>).
/// The fork is a raw clone(2) with the CLONE_NEW* flags and no new stack: the child continues on a
/// copy of this stack, straight into <see cref="ChildExecutor"/>, and never returns to managed code
/// that could allocate.
/// </summary>
public static unsafe class InitLauncher
{
    /// <summary>
    /// Forks the child. In the child this never returns. <paramref name="forChildren"/> are namespaces that only
    /// apply to children (pid, time): this thread enters them for the clone and returns right after.
    /// </summary>
    public static int Fork(NativePlan plan, long cloneFlags, IReadOnlyList<(int Fd, long Flag)>? forChildren = null) =>
        Fork(plan, cloneFlags, forChildren, -1, out _);

    /// <summary>
    /// As above; with <paramref name="cgroupFd"/> (a cgroup2 directory) the child is born in that cgroup through
    /// clone3(CLONE_INTO_CGROUP): no cgroup.procs write, whose cgroup-wide lock waits for an RCU grace period
    /// (milliseconds) when it is not held often. <paramref name="inCgroup"/> says whether that worked; when clone3
    /// or the cgroup refuses, this falls back to clone(2) and the caller joins the cgroup the usual way.
    /// </summary>
    public static int Fork(NativePlan plan, long cloneFlags, IReadOnlyList<(int Fd, long Flag)>? forChildren, int cgroupFd, out bool inCgroup)
    {
        inCgroup = false;
        var restore = new List<(int Fd, long Flag)>();
        try
        {
            foreach (var (fd, flag) in forChildren ?? [])
            {
                string name = flag == Flags.CLONE_NEWPID ? "pid" : "time";
                restore.Add((Posix.Open($"/proc/thread-self/ns/{name}", Flags.O_RDONLY), flag));
                if (Posix.Setns(fd, flag) is int e and < 0)
                    throw new ContainerException($"unable to join the {name} namespace (linux.namespaces): {Errno.Message(-e)}");
            }
            PlanHeader* header = plan.Header;
            // No finalizer may run on another thread while we fork.
            GC.WaitForPendingFinalizers();
            long pid = -1;
            if (cgroupFd >= 0)
            {
                CloneArgs args = default;
                args.Flags = (ulong)(cloneFlags | Flags.CLONE_INTO_CGROUP);
                args.ExitSignal = (ulong)Flags.SIGCHLD;
                args.Cgroup = (ulong)cgroupFd;
                pid = RawSyscall.Invoke(Sys.clone3, (long)&args, sizeof(CloneArgs));
                inCgroup = pid > 0;
            }
            if (pid < 0) pid = RawSyscall.Invoke(Sys.clone, cloneFlags | Flags.SIGCHLD, 0, 0, 0, 0);
            if (pid == 0)
            {
                ChildExecutor.Run(header);
                RawSyscall.Invoke(Sys.exit_group, 1);
            }
            if (pid < 0) throw new ContainerException($"unable to start the container's init (clone): {Errno.Message((int)-pid)}");
            return (int)pid;
        }
        finally
        {
            foreach (var (fd, flag) in restore)
            {
                Posix.Setns(fd, flag);
                Posix.Close(fd);
            }
        }
    }

    /// <summary>struct clone_args up to its cgroup member (CLONE_ARGS_SIZE_VER2, 88 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CloneArgs
    {
        public ulong Flags, PidFd, ChildTid, ParentTid, ExitSignal, Stack, StackSize, Tls, SetTid, SetTidSize, Cgroup;
    }

    /// <summary>Waits for the child's Ready or Error record; turns an error into the step's message.</summary>
    public static void AwaitReady(int syncReadFd, int pid, IReadOnlyList<string> descriptions, Action? onHooksPlease = null,
        Action? onSeccompFd = null)
    {
        Span<byte> buf = stackalloc byte[sizeof(SyncRecord)];
        int n;
        while ((n = Posix.ReadFull(syncReadFd, buf, "unable to read from the container's init")) == sizeof(SyncRecord))
        {
            var rec = MemoryMarshal.Read<SyncRecord>(buf);
            if (rec.Kind == SyncRecord.HooksPlease && onHooksPlease is not null) { onHooksPlease(); continue; }
            if (rec.Kind == SyncRecord.SeccompFd && onSeccompFd is not null) { onSeccompFd(); continue; }
            if (rec.Kind == SyncRecord.Ready) return;
            if (rec.Kind == SyncRecord.Error)
            {
                Posix.WaitPid(pid, 0);
                throw new ContainerException(Describe(rec, descriptions));
            }
            break;
        }
        var (_, status) = Posix.WaitPid(pid, 0);
        throw new ContainerException($"the container's init exited before it was ready (status {Posix.ExitCodeOf(status)})");
    }

    /// <summary>
    /// After Ready, waits until the child's end of the sync pipe closes: it is close-on-exec, so that happens at
    /// execve (or when the child dies). Then /proc/PID is the program, not a copy of the runtime, when we return.
    /// </summary>
    public static void AwaitExecve(int syncReadFd)
    {
        Span<byte> buf = stackalloc byte[sizeof(SyncRecord)];
        while (Posix.ReadFull(syncReadFd, buf, "unable to read from the new process") > 0) { }
    }

    /// <summary>
    /// The child forked the init itself (see <see cref="StepKind.ForkInit"/>): reads the init's pid, reaps the
    /// intermediate child, and returns the init's pid (a child of ours thanks to CLONE_PARENT).
    /// </summary>
    public static int AwaitInitPid(int syncReadFd, int intermediate, IReadOnlyList<string> descriptions)
    {
        Span<byte> buf = stackalloc byte[sizeof(SyncRecord)];
        int n = Posix.ReadFull(syncReadFd, buf, "unable to read from the container's init");
        var (_, status) = Posix.WaitPid(intermediate, 0);
        if (n == sizeof(SyncRecord))
        {
            var rec = MemoryMarshal.Read<SyncRecord>(buf);
            if (rec.Kind == SyncRecord.InitPid && rec.Step > 0) return rec.Step;
            if (rec.Kind == SyncRecord.Error) throw new ContainerException(Describe(rec, descriptions));
        }
        throw new ContainerException($"the container's init was not forked (status {Posix.ExitCodeOf(status)})");
    }

    public static string Describe(SyncRecord rec, IReadOnlyList<string> descriptions)
    {
        string what = rec.Step >= 0 && rec.Step < descriptions.Count ? descriptions[rec.Step] : $"step {rec.Step}";
        if (rec.Aux == SyncRecord.AuxNotInPath) return $"{what}: executable file not found in $PATH";
        if (rec.Aux == SyncRecord.AuxUnexpectedFile) return what; // the step says what the file should have been
        if (rec.Aux == SyncRecord.AuxNotNullDevice) return $"{what}: /dev/null in the container is not the null device (char 1:3 reached without symlinks): {Errno.Message(rec.Errno)}";
        return $"{what}: {Errno.Message(rec.Errno)}";
    }
}
