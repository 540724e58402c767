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
    /// <summary>Forks the child. In the child this never returns.</summary>
    public static int Fork(NativePlan plan, long cloneFlags, int joinPidNsFd)
    {
        int ownPidNs = -1;
        if (joinPidNsFd >= 0)
        {
            // setns(CLONE_NEWPID) changes only where this thread's children go; undo it right after.
            ownPidNs = Posix.Open("/proc/thread-self/ns/pid", Flags.O_RDONLY);
            if (Posix.Setns(joinPidNsFd, Flags.CLONE_NEWPID) < 0)
            {
                int e = Marshal.GetLastPInvokeError();
                Posix.Close(ownPidNs);
                throw new ContainerException($"unable to join the pid namespace (linux.namespaces): {Errno.Message(e)}");
            }
        }
        PlanHeader* header = plan.Header;
        // No finalizer may run on another thread while we fork.
        GC.WaitForPendingFinalizers();
        long pid = RawSyscall.Invoke(Sys.clone, cloneFlags | Flags.SIGCHLD, 0, 0, 0, 0);
        if (pid == 0)
        {
            ChildExecutor.Run(header);
            RawSyscall.Invoke(Sys.exit_group, 1);
        }
        if (ownPidNs >= 0)
        {
            Posix.Setns(ownPidNs, Flags.CLONE_NEWPID);
            Posix.Close(ownPidNs);
        }
        if (pid < 0) throw new ContainerException($"unable to start the container's init (clone): {Errno.Message((int)-pid)}");
        return (int)pid;
    }

    /// <summary>Waits for the child's Ready or Error record; turns an error into the step's message.</summary>
    public static void AwaitReady(int syncReadFd, int pid, IReadOnlyList<string> descriptions, Action? onHooksPlease = null)
    {
        Span<byte> buf = stackalloc byte[sizeof(SyncRecord)];
        int n;
        while ((n = Posix.ReadFull(syncReadFd, buf, "unable to read from the container's init")) == sizeof(SyncRecord))
        {
            var rec = MemoryMarshal.Read<SyncRecord>(buf);
            if (rec.Kind == SyncRecord.HooksPlease && onHooksPlease is not null) { onHooksPlease(); continue; }
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

    public static string Describe(SyncRecord rec, IReadOnlyList<string> descriptions)
    {
        string what = rec.Step >= 0 && rec.Step < descriptions.Count ? descriptions[rec.Step] : $"step {rec.Step}";
        if (rec.Aux == SyncRecord.AuxNotInPath) return $"{what}: executable file not found in $PATH";
        return $"{what}: {Errno.Message(rec.Errno)}";
    }
}
