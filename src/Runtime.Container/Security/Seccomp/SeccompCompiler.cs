using Runsharp.Container.Exec;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Security.Seccomp;

/// <summary>
/// The child's half of seccomp: one seccomp(SECCOMP_SET_MODE_FILTER, flags, &amp;sock_fprog) step whose program
/// lies in the plan's arena. Where it goes is the plan compiler's choice (runc's order): without
/// no_new_privs loading needs CAP_SYS_ADMIN, so before the user switch and capset; with it, as late as possible.
/// </summary>
public static class SeccompCompiler
{
    private const int SeccompSetModeFilter = 1;
    private const string NotifyField = "linux.seccomp.listenerPath";

    /// <summary>
    /// Emits the load, preceded by the close-on-exec sweep of inherited fds: close_range is recent enough that
    /// older profiles (runtime-tools' default among them) deny it, so it must not run under the filter.
    /// Every fd the init opens after this point is O_CLOEXEC already. Nothing is emitted without a program.
    /// For a notify filter, the load is followed by the hand-off of its fd (see <see cref="CompileNotifyHandOff"/>):
    /// <paramref name="notifySocketFd"/> is the init's end of the socketpair, <paramref name="syncFd"/> the sync pipe.
    /// </summary>
    public static void CompileLoad(PlanBuilder plan, SeccompProgram? program, int preserveFds, int notifySocketFd = -1, int syncFd = -1)
    {
        if (program is null) return;
        ExecCompiler.CompileCloseOnExec(plan, preserveFds);
        var filter = plan.Bytes(program.Bpf);
        // struct sock_fprog { unsigned short len; (6 bytes padding) struct sock_filter *filter; }
        var header = new byte[16];
        BitConverter.TryWriteBytes(header.AsSpan(0), (ushort)program.InstructionCount);
        var fprog = plan.Bytes(header);
        plan.PointerAt(fprog, 8, filter);
        if (!program.Notify)
        {
            plan.Syscall("unable to load the seccomp filter (linux.seccomp)", Sys.seccomp, SeccompSetModeFilter, program.Flags, fprog);
            return;
        }
        if (notifySocketFd < 0 || syncFd < 0)
            throw new ContainerException($"{NotifyField}: the runtime has no channel to receive the seccomp notify fd");
        var notifyFd = plan.NewSlot();
        plan.Syscall("unable to load the seccomp filter (linux.seccomp)", Sys.seccomp, SeccompSetModeFilter, program.Flags, fprog, result: notifyFd);
        CompileNotifyHandOff(plan, notifyFd, notifySocketFd, syncFd);
    }

    /// <summary>
    /// The notify fd goes to the runtime as one SCM_RIGHTS message on a socketpair made before the fork (rather
    /// than pidfd_getfd from the parent: no ptrace permission over a non-dumpable init is needed, which an
    /// unprivileged runtime lacks, and no reply is awaited). Then a SeccompFd record on the sync pipe tells the
    /// parent to take it. Only sendmsg and write run between the load and the parent holding the fd, so only
    /// those are refused for SCMP_ACT_NOTIFY (see <see cref="SeccompFilterBuilder"/>); anything after may
    /// notify and simply waits for the listener, which the parent serves independently.
    /// </summary>
    private static void CompileNotifyHandOff(PlanBuilder plan, Slot notifyFd, int socketFd, int syncFd)
    {
        // One byte of payload: a stream socket does not carry ancillary data on an empty message.
        var (msg, fdCell) = ScmRightsMessage.Build(plan, "s"u8);

        var record = new byte[16];
        BitConverter.TryWriteBytes(record.AsSpan(0), SyncRecord.SeccompFd);

        plan.Step("store the seccomp notify fd", StepKind.StoreInt, fdCell, notifyFd);
        plan.Syscall($"unable to send the seccomp notify fd to the runtime ({NotifyField})", Sys.sendmsg, socketFd, msg, 0);
        plan.Syscall($"unable to tell the runtime about the seccomp notify fd ({NotifyField})", Sys.write, syncFd, plan.Bytes(record), record.Length);
        // The fd is in flight to the runtime; a copy kept here would keep notifications pending after the listener closed its own.
        plan.Syscall("close the init's copy of the seccomp notify fd", Sys.close, notifyFd);
        plan.Syscall("close the seccomp socket", Sys.close, socketFd);
    }
}
