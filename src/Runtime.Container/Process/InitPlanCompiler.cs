using Runsharp.Container.Exec;
using Runsharp.Container.Mounts;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Process.Plan;
using Runsharp.Container.Security;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Process;

/// <summary>
/// Compiles the container's init into a flat plan, in pipeline order:
/// handshake -> namespaces -> rootfs (mounts, /dev, pivot) -> uts -> console -> security -> exec.
/// Pure: it reads the spec and host facts but changes nothing, so it is unit-testable without root.
/// </summary>
public static class InitPlanCompiler
{
    public static PlanBuilder Compile(InitContext ctx, NamespaceSetup namespaces, string? home)
    {
        var spec = ctx.Spec;
        var process = spec.Process ?? throw new ContainerException("process: the container needs a process");
        var plan = new PlanBuilder();
        var seccomp = SeccompFilterBuilder.Build(spec.Linux?.Seccomp); // libseccomp, here in the parent

        // Handshake: drop the parent's pipe ends, die with the parent until ready, wait for "go".
        if (ctx.SyncReadFd >= 0) plan.Syscall("close", Sys.close, ctx.SyncReadFd);
        if (ctx.GoWriteFd >= 0) plan.Syscall("close", Sys.close, ctx.GoWriteFd);
        foreach (var fd in ctx.CloseInChild) plan.Syscall("close", Sys.close, fd);
        // A joined user namespace comes first, so the namespaces made after it are owned by it.
        namespaces.CompileUserJoin(plan, spec.Linux?.TimeOffsets);
        plan.Syscall("unable to set the parent-death signal", Sys.prctl, Flags.PR_SET_PDEATHSIG, Flags.SIGKILL);
        CgroupJoinCompiler.Compile(plan, ctx.CgroupTaskFds);
        bool hooks = HasCreateHooks(spec);
        if (ctx.GoReadFd >= 0)
        {
            plan.Step("the runtime went away before the container was set up", StepKind.ReadByte, ctx.GoReadFd);
            if (!hooks) plan.Syscall("close", Sys.close, ctx.GoReadFd);
        }
        plan.Syscall("unable to make the init non-dumpable", Sys.prctl, Flags.PR_SET_DUMPABLE, 0);
        plan.Syscall("unable to set process name", Sys.prctl, Flags.PR_SET_NAME, plan.String("runsharp:[INIT]"));
        // Device nodes and mount targets get exactly the modes asked for.
        plan.Syscall("unable to set umask", Sys.umask, 0);

        namespaces.CompileJoins(plan);
        if (namespaces.Has(NamespaceTypes.User))
        {
            // The parent has written uid_map/gid_map of a new one before "go": become the namespace's root. In a
            // joined one too (as runc): the ids we still have may not be mapped there, and files made with an
            // unmapped fsuid fail (EOVERFLOW), so its root must be mapped.
            plan.Syscall("unable to become root in the user namespace (linux.gidMappings)", Sys.setresgid, 0, 0, 0);
            plan.Syscall("unable to become root in the user namespace (linux.uidMappings)", Sys.setresuid, 0, 0, 0);
        }
        if (namespaces.IsNew(NamespaceTypes.Cgroup))
        {
            // Only now is the child inside its cgroup, which becomes the namespace's root.
            plan.Syscall("unable to create the cgroup namespace (linux.namespaces)", Sys.unshare, Flags.CLONE_NEWCGROUP);
        }

        if (ctx.SessionKeyring is not null)
        {
            // A fresh session keyring, so the container cannot reach the caller's keys (runc's default).
            plan.Syscall("unable to join a new session keyring", Sys.keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */,
                plan.String(ctx.SessionKeyring), ignoreErrno: Linux.Errno.ENOSYS);
        }

        if (namespaces.Has(NamespaceTypes.Mount))
        {
            var steps = new MountSteps(plan);
            var root = RootfsCompiler.CompilePrePivot(steps, ctx, namespaces.IsNew(NamespaceTypes.Network), namespaces.Has(NamespaceTypes.User));
            if (hooks) CompileHookPoint(plan, ctx);
            RootfsCompiler.CompilePivot(plan, root, ctx.NoPivot, spec.Linux?.RootfsPropagation);
        }
        else
        {
            // No mount namespace: the host's mounts must not change, so only enter the rootfs.
            if (hooks) CompileHookPoint(plan, ctx);
            plan.Syscall($"unable to chroot into {ctx.RootfsPath} (root.path)", Sys.chroot, plan.String(ctx.RootfsPath));
            plan.Syscall("unable to change to the new root", Sys.chdir, plan.String("/"));
        }

        UtsCompiler.Compile(plan, spec);
        SysctlCompiler.Compile(plan, spec.Linux?.Sysctl, namespaces);
        // After sysctl (which writes through /proc/sys), as runc orders it.
        if (namespaces.Has(NamespaceTypes.Mount)) RootfsCompiler.CompilePostPivot(plan, spec);
        // Without a mount namespace of its own the bind would land in the host's mount table: no /dev/console then.
        if (process.Terminal)
            ConsoleCompiler.Compile(plan, ctx.Console ?? new ConsoleRequest(-1, process.ConsoleSize, Relayed: false), bindConsole: namespaces.Has(NamespaceTypes.Mount));
        RootfsCompiler.CompileReadonlyRoot(plan, spec);
        WorkingDirectoryCompiler.Compile(plan, process);

        ProcessAttributesCompiler.Compile(plan, spec);
        LinuxSecurityModules.Compile(plan, process, ctx.Lsm);
        // No capabilities object means every set empty, bounding included (runc does the same).
        var caps = process.Capabilities ?? new LinuxCapabilities();
        // Without no_new_privs, loading seccomp needs CAP_SYS_ADMIN: before the user switch and capset (runc's order).
        if (!process.NoNewPrivileges) SeccompCompiler.CompileLoad(plan, seccomp, ctx.PreserveFds, ctx.SeccompSocketFd, ctx.SyncWriteFd);
        CapabilityCompiler.CompileBoundingDrop(plan, caps, ctx.CapLastCap);
        UserCompiler.CompileSwitch(plan, process.User, setgroupsAllowed: !namespaces.SetgroupsDenied);
        CapabilityCompiler.CompileSets(plan, caps, ctx.CapLastCap);
        UserCompiler.CompileUmask(plan, process.User);
        UserCompiler.CompileNoNewPrivileges(plan, process);

        var env = ExecCompiler.Environment(process, home);
        var exe = ExecCompiler.CompileResolve(plan, process, env);
        // With no_new_privs: as late as errors can still be reported, so few of our own syscalls meet the filter.
        if (process.NoNewPrivileges) SeccompCompiler.CompileLoad(plan, seccomp, ctx.PreserveFds, ctx.SeccompSocketFd, ctx.SyncWriteFd);
        ExecCompiler.CompileHandOff(plan, ctx.SyncWriteFd, ctx.ExecFifoFd, ctx.PreserveFds, fdsMarked: seccomp is not null);
        ExecCompiler.CompileExecve(plan, process, exe, env);
        return plan;
    }

    private static bool HasCreateHooks(Spec.Spec spec) =>
        spec.Hooks is { } h && (h.Prestart?.Count > 0 || h.CreateRuntime?.Count > 0 || h.CreateContainer?.Count > 0);

    /// <summary>The mounts exist, pivot_root has not happened: the parent runs the create-phase hooks now.</summary>
    private static void CompileHookPoint(PlanBuilder plan, InitContext ctx)
    {
        var please = new byte[16];
        BitConverter.TryWriteBytes(please.AsSpan(0), Child.SyncRecord.HooksPlease);
        plan.Syscall("unable to ask the runtime to run hooks", Sys.write, ctx.SyncWriteFd, plan.Bytes(please), please.Length);
        plan.Step("a create hook failed or the runtime went away", StepKind.ReadByte, ctx.GoReadFd);
        plan.Syscall("close", Sys.close, ctx.GoReadFd);
    }
}
