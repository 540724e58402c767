using Runsharp.Container.Process.Plan;
using Runsharp.Container.Security;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Exec;

/// <summary>What the exec plan needs besides the process: the fds opened by the parent before the fork.</summary>
public sealed class ExecContext
{
    public required OciProcess Process { get; init; }
    public int SyncWriteFd { get; init; } = -1;
    public int SyncReadFd { get; init; } = -1;
    public int GoReadFd { get; init; } = -1;
    public int GoWriteFd { get; init; } = -1;
    /// <summary>Where the pty master goes when process.terminal is set.</summary>
    public ConsoleRequest? Console { get; init; }
    /// <summary>The container's namespaces that differ from ours, pid and time excepted (the parent joins those
    /// around the clone): user first, mnt last.</summary>
    public IReadOnlyList<(int Fd, long Flag, string Name)> Namespaces { get; init; } = [];
    /// <summary>Host path of the rootfs: chroot into it when the container has no mount namespace of its own.</summary>
    public string? ChrootPath { get; init; }
    /// <summary>setgroups is denied in the container's user namespace.</summary>
    public bool SetgroupsDenied { get; init; }
    public int PreserveFds { get; init; }
    public int CapLastCap { get; init; } = 40;
    public SeccompProgram? Seccomp { get; init; }
    public string? Home { get; init; }
    public LsmHost Lsm { get; init; }
    /// <summary>v1 <c>tasks</c> files the child writes "0" to (see Lifecycle/InitCgroupJoin).</summary>
    public IReadOnlyList<(int Fd, string Controller)> CgroupTaskFds { get; init; } = [];
    /// <summary>What a failed join says instead of the default (exec --cgroup).</summary>
    public string? CgroupJoinHint { get; init; }
}

/// <summary>
/// The plan of a process started by `exec` in an existing container: wait for "go" (the parent has put it in the
/// container's cgroup), join the container's namespaces (user first, mnt last), then the same security and exec
/// stages as the init. No rootfs work and no exec.fifo.
/// </summary>
public static class ExecPlanCompiler
{
    public static PlanBuilder Compile(ExecContext ctx)
    {
        var process = ctx.Process;
        var plan = new PlanBuilder();
        if (ctx.SyncReadFd >= 0) plan.Syscall("close", Sys.close, ctx.SyncReadFd);
        if (ctx.GoWriteFd >= 0) plan.Syscall("close", Sys.close, ctx.GoWriteFd);
        plan.Syscall("unable to set the parent-death signal", Sys.prctl, Flags.PR_SET_PDEATHSIG, Flags.SIGKILL);
        Process.CgroupJoinCompiler.Compile(plan, ctx.CgroupTaskFds, ctx.CgroupJoinHint);
        if (ctx.GoReadFd >= 0)
        {
            plan.Step("the runtime went away before the process was set up", StepKind.ReadByte, ctx.GoReadFd);
            plan.Syscall("close", Sys.close, ctx.GoReadFd);
        }
        plan.Syscall("unable to make the process non-dumpable", Sys.prctl, Flags.PR_SET_DUMPABLE, 0);
        foreach (var (fd, flag, name) in ctx.Namespaces)
        {
            plan.Syscall($"unable to join the container's {name} namespace", Sys.setns, fd, flag);
            plan.Syscall("close", Sys.close, fd);
        }
        if (ctx.ChrootPath is not null)
            plan.Syscall($"unable to chroot into {ctx.ChrootPath}", Sys.chroot, plan.String(ctx.ChrootPath));
        // The init's /dev/console stays as it is: an exec'd process only gets a pty of its own (as runc).
        if (process.Terminal) ConsoleCompiler.Compile(plan, ctx.Console ?? new ConsoleRequest(-1, process.ConsoleSize, Relayed: false), bindConsole: false);
        WorkingDirectoryCompiler.Compile(plan, process);

        LinuxSecurityModules.Compile(plan, process, ctx.Lsm);
        var caps = process.Capabilities ?? new Spec.LinuxCapabilities();
        if (!process.NoNewPrivileges) SeccompCompiler.CompileLoad(plan, ctx.Seccomp, ctx.PreserveFds);
        CapabilityCompiler.CompileBoundingDrop(plan, caps, ctx.CapLastCap);
        UserCompiler.CompileSwitch(plan, process.User, setgroupsAllowed: !ctx.SetgroupsDenied);
        CapabilityCompiler.CompileSets(plan, caps, ctx.CapLastCap);
        UserCompiler.CompileUmask(plan, process.User);
        UserCompiler.CompileNoNewPrivileges(plan, process);

        var env = ExecCompiler.Environment(process, ctx.Home);
        var exe = ExecCompiler.CompileResolve(plan, process, env);
        if (process.NoNewPrivileges) SeccompCompiler.CompileLoad(plan, ctx.Seccomp, ctx.PreserveFds);
        ExecCompiler.CompileHandOff(plan, ctx.SyncWriteFd, -1, ctx.PreserveFds, fdsMarked: ctx.Seccomp is not null);
        ExecCompiler.CompileExecve(plan, process, exe, env);
        return plan;
    }
}
