using Runsharp.Container.Exec;
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

    /// <summary>
    /// Emits the load, preceded by the close-on-exec sweep of inherited fds: close_range is recent enough that
    /// older profiles (runtime-tools' default among them) deny it, so it must not run under the filter.
    /// Every fd the init opens after this point is O_CLOEXEC already. Nothing is emitted without a program.
    /// </summary>
    public static void CompileLoad(PlanBuilder plan, SeccompProgram? program, int preserveFds)
    {
        if (program is null) return;
        ExecCompiler.CompileCloseOnExec(plan, preserveFds);
        var filter = plan.Bytes(program.Bpf);
        // struct sock_fprog { unsigned short len; (6 bytes padding) struct sock_filter *filter; }
        var header = new byte[16];
        BitConverter.TryWriteBytes(header.AsSpan(0), (ushort)program.InstructionCount);
        var fprog = plan.Bytes(header);
        plan.PointerAt(fprog, 8, filter);
        plan.Syscall("unable to load the seccomp filter (linux.seccomp)", Sys.seccomp, SeccompSetModeFilter, program.Flags, fprog);
    }
}
