using Runsharp.Container.Process;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Mounts;

/// <summary>
/// The rootfs stage: propagation, the rootfs made a mount point, every spec mount, /dev, then
/// pivot_root (or MS_MOVE + chroot with --no-pivot). Runs in the child's new mount namespace.
/// </summary>
public static class RootfsCompiler
{
    /// <summary>Steps before pivot_root. Returns the root fd slot.</summary>
    public static Slot CompilePrePivot(MountSteps steps, InitContext ctx, bool newNetwork, bool inUserNamespace)
    {
        var plan = steps.Plan;
        var spec = ctx.Spec;
        long propagation = MountOptions.ParsePropagation(spec.Linux?.RootfsPropagation, "linux.rootfsPropagation");
        // Host mounts must not see ours: "/" becomes a slave (or what rootfsPropagation asks) first. A shared
        // root is made shared only after pivot_root, which refuses a shared parent mount.
        plan.Syscall("unable to set the propagation of / (linux.rootfsPropagation)", Sys.mount,
            0, plan.String("/"), 0, IsShared(propagation) ? Flags.MS_SLAVE | Flags.MS_REC : propagation, 0);
        // The parent forks with its cwd at the rootfs's parent directory, and a new mount namespace carries the
        // cwd over to its copy of that mount. Looking the rootfs up by name from there needs no path walk from
        // "/" (which a user namespace may not be allowed to do), and after the bind the same lookup crosses
        // into the new mount, giving the root fd used from here on.
        if (ctx.JoinFds.ContainsKey(NamespaceTypes.Mount))
        {
            // setns into a mount namespace moved our cwd to its root: find the rootfs by path there.
            plan.Syscall($"unable to enter {Path.GetDirectoryName(ctx.RootfsPath)} in the joined mount namespace (root.path)",
                Sys.chdir, plan.String(Path.GetDirectoryName(ctx.RootfsPath) ?? "/"));
        }
        var name = plan.String(Path.GetFileName(ctx.RootfsPath.TrimEnd('/')));
        plan.Syscall($"unable to bind-mount the rootfs {ctx.RootfsPath} onto itself (root.path)", Sys.mount,
            name, name, 0, Flags.MS_BIND | Flags.MS_REC, 0);
        var rootSlot = plan.NewSlot();
        plan.Syscall($"unable to open the rootfs {ctx.RootfsPath} (root.path)", Sys.openat, Flags.AT_FDCWD,
            name, Flags.O_PATH | Flags.O_DIRECTORY | Flags.O_CLOEXEC, 0, result: rootSlot);

        bool devIsBind = false;
        var mounts = spec.Mounts ?? [];
        for (int i = 0; i < mounts.Count; i++)
        {
            var m = mounts[i];
            string dest = InRootPath.Relative(m.Destination);
            if (dest == "dev")
            {
                devIsBind = MountOptions.Parse(m.Options, m.Type).Bind;
            }
            CompileMount(steps, rootSlot, ctx, m, i, newNetwork);
        }
        DeviceCompiler.Compile(steps, rootSlot, spec.Linux?.Devices, defaults: !devIsBind, bindFromHost: inUserNamespace);

        var cwd = InRootPath.Relative(spec.Process?.Cwd ?? "/");
        steps.MkdirAll(rootSlot, cwd, $"unable to create the working directory {spec.Process?.Cwd} (process.cwd)");
        return rootSlot;
    }

    /// <summary>Shared and unbindable roots break pivot_root and the rootfs bind: they are applied after the pivot.</summary>
    private static bool IsShared(long propagation) => (propagation & (Flags.MS_SHARED | Flags.MS_UNBINDABLE)) != 0;

    public static void CompilePivot(PlanBuilder plan, Slot rootSlot, bool noPivot, string? rootfsPropagation)
    {
        plan.Syscall("unable to enter the rootfs", Sys.fchdir, rootSlot);
        var dot = plan.String(".");
        if (noPivot)
        {
            plan.Syscall("unable to move the rootfs to / (--no-pivot)", Sys.mount, dot, plan.String("/"), 0, Flags.MS_MOVE, 0);
            plan.Syscall("unable to chroot into the rootfs (--no-pivot)", Sys.chroot, dot);
        }
        else
        {
            plan.Syscall("unable to pivot_root into the rootfs", Sys.pivot_root, dot, dot);
            // The old root is now stacked on "."; detach it without letting the unmount reach the host.
            plan.Syscall("unable to make the old root a slave", Sys.mount, 0, dot, 0, Flags.MS_SLAVE | Flags.MS_REC, 0);
            plan.Syscall("unable to detach the old root", Sys.umount2, dot, Flags.MNT_DETACH);
        }
        plan.Syscall("unable to change to the new root", Sys.chdir, plan.String("/"));
        plan.Syscall("close", Sys.close, rootSlot);
        long propagation = MountOptions.ParsePropagation(rootfsPropagation, "linux.rootfsPropagation");
        if (IsShared(propagation))
            plan.Syscall("unable to set the propagation of the root (linux.rootfsPropagation)", Sys.mount, 0, plan.String("/"), 0, propagation, 0);
    }

    /// <summary>Steps after pivot_root: masked and read-only paths, then a read-only root.</summary>
    public static void CompilePostPivot(PlanBuilder plan, Spec.Spec spec)
    {
        var devNull = plan.String("/dev/null");
        var tmpfs = plan.String("tmpfs");
        var ro = spec.Linux?.ReadonlyPaths ?? [];
        for (int i = 0; i < ro.Count; i++)
            plan.Step($"unable to make {ro[i]} read-only (linux.readonlyPaths[{i}])", StepKind.ReadonlyPath, plan.String(InRootPath.Absolute(ro[i])));
        var masked = spec.Linux?.MaskedPaths ?? [];
        for (int i = 0; i < masked.Count; i++)
            plan.Step($"unable to mask {masked[i]} (linux.maskedPaths[{i}])", StepKind.MaskPath, plan.String(InRootPath.Absolute(masked[i])), devNull, tmpfs);
    }

    public static void CompileReadonlyRoot(PlanBuilder plan, Spec.Spec spec)
    {
        if (spec.Root?.Readonly == true)
            plan.Step("unable to remount the root read-only (root.readonly)", StepKind.Remount, plan.String("/"), Flags.MS_RDONLY);
    }

    private static void CompileMount(MountSteps steps, Slot root, InitContext ctx, Mount m, int i, bool newNetwork)
    {
        string dest = InRootPath.Relative(m.Destination);
        string where = $"mounts[{i}]";
        if (dest.Length == 0) throw new ContainerException($"{where}.destination: cannot mount over the root \"{m.Destination}\"");
        var opts = MountOptions.Parse(m.Options, m.Type);
        string type = m.Type ?? "";
        ProcMountRules.Check(dest, type, opts.Bind ? m.Source : null, where);

        if (type == "cgroup" || type == "cgroup2")
        {
            CgroupMountCompiler.Compile(steps, root, ctx, dest, opts, where);
            return;
        }
        string? source = m.Source;
        bool bind = opts.Bind;
        bool recursive = opts.Recursive;
        if (type == "sysfs" && !newNetwork)
        {
            // sysfs belongs to a network namespace: without a new one the kernel refuses a fresh mount.
            bind = true; recursive = true; source = "/sys";
        }
        string description = $"unable to mount {(bind ? source : type)} on {m.Destination} ({where})";
        if (bind)
        {
            if (string.IsNullOrEmpty(source)) throw new ContainerException($"{where}.source: a bind mount needs a source");
            source = Path.IsPathRooted(source) ? source : Path.GetFullPath(Path.Combine(ctx.BundleDir, source));
            bool isDir;
            try { isDir = (File.GetAttributes(source) & FileAttributes.Directory) != 0; }
            catch (IOException) { throw new ContainerException($"{where}.source: {source}: no such file or directory"); }
            catch (UnauthorizedAccessException) { throw new ContainerException($"{where}.source: {source}: permission denied"); }
            if (isDir) steps.MkdirAll(root, dest, description);
            else steps.CreateFile(root, dest, description);
            // An id-mapped source was cloned and mapped by the parent (IdmappedMounts): only move it into place.
            if (ctx.DetachedMountFds.TryGetValue(i, out int idmapped)) steps.MoveMountOnto(root, dest, idmapped, description);
            else steps.MountOnto(root, dest, source, null, Flags.MS_BIND | (recursive ? Flags.MS_REC : 0), null, description);
            long extra = opts.Flags & MountOptions.RemountableFlags;
            if (extra != 0) steps.Remount(root, dest, extra, description);
        }
        else
        {
            steps.MkdirAll(root, dest, description);
            // A tmpcopyup tmpfs was made and filled by the parent (TmpfsCopyUp): only move it into place.
            // proc and sysfs must land exactly where named: a symlinked /proc would move the LSM interface,
            // masked and read-only paths elsewhere (CVE-2023-28642 class).
            if (ctx.DetachedMountFds.TryGetValue(i, out int filled)) steps.MoveMountOnto(root, dest, filled, description);
            else steps.MountOnto(root, dest, source ?? type, type, opts.Flags, opts.Data, description, noSymlinks: type is "proc" or "sysfs");
        }
        if (opts.RecursiveSet != 0 || opts.RecursiveClear != 0)
            steps.SetRecursiveAttributes(root, dest, opts.RecursiveSet, opts.RecursiveClear, description);
        foreach (var p in opts.Propagation) steps.SetPropagation(root, dest, p, description);
    }
}
