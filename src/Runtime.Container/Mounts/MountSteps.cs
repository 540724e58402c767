using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Mounts;

/// <summary>
/// The building blocks of rootfs steps. A target is never named by a path string the container could
/// swap: it is opened with openat2(RESOLVE_IN_ROOT) and the mount goes onto /proc/self/fd/N.
/// </summary>
public sealed class MountSteps(PlanBuilder plan)
{
    private readonly ArenaRef _fdPath = plan.Zeroed(32);

    public PlanBuilder Plan => plan;

    /// <summary>open_how for openat2: flags, mode, resolve.</summary>
    public ArenaRef How(long flags, ulong resolve)
    {
        var how = new byte[24];
        BitConverter.TryWriteBytes(how.AsSpan(0), (ulong)(flags | Flags.O_CLOEXEC));
        BitConverter.TryWriteBytes(how.AsSpan(16), resolve);
        return plan.Bytes(how);
    }

    /// <summary>
    /// Opens <paramref name="relative"/> inside the root fd (or the current root after pivot, with AT_FDCWD).
    /// <paramref name="noSymlinks"/> refuses any symlink on the way (ELOOP), for targets that must be where they say.
    /// </summary>
    public Slot OpenInRoot(Arg root, string relative, long flags, string description, bool noSymlinks = false)
    {
        var slot = plan.NewSlot();
        plan.Syscall(description, Sys.openat2, root, plan.String(relative.Length == 0 ? "." : relative),
            How(flags, Flags.RESOLVE_IN_ROOT | (noSymlinks ? Flags.RESOLVE_NO_SYMLINKS : Flags.RESOLVE_NO_MAGICLINKS)), 24, result: slot);
        return slot;
    }

    /// <summary>
    /// Opens <paramref name="relative"/> strictly below the directory fd <paramref name="dir"/>: no symlink, no
    /// "..", and no mount crossed on the way (RESOLVE_NO_XDEV), so a file bound over it cannot take the write.
    /// </summary>
    public Slot OpenBeneathSameMount(Arg dir, string relative, long flags, string description)
    {
        var slot = plan.NewSlot();
        plan.Syscall(description, Sys.openat2, dir, plan.String(relative),
            How(flags, Flags.RESOLVE_BENEATH | Flags.RESOLVE_NO_XDEV | Flags.RESOLVE_NO_SYMLINKS), 24, result: slot);
        return slot;
    }

    public void MkdirAll(Arg root, string relative, string description)
    {
        if (relative.Length == 0) return;
        plan.Step(description, StepKind.MkdirAllInRoot, root, plan.String(relative), 0x1ed, plan.Zeroed(relative.Length + 1));
    }

    /// <summary>The scratch buffer holds the parent path and, after it, MkdirAllInRoot's own copy of it.</summary>
    public void CreateFile(Arg root, string relative, string description) =>
        plan.Step(description, StepKind.CreateFileInRoot, root, plan.String(relative), 0x1a4, plan.Zeroed(2 * (relative.Length + 1)));

    /// <summary>Points the shared "/proc/self/fd/N" buffer at the fd in <paramref name="fd"/>; returns the buffer.</summary>
    public ArenaRef FdPath(Slot fd, string description)
    {
        plan.Step(description, StepKind.FormatFdPath, _fdPath, fd);
        return _fdPath;
    }

    public void Close(Slot fd) => plan.Syscall("close", Sys.close, fd);

    /// <summary>Opens the target, mounts onto it through its fd, closes it.</summary>
    public void MountOnto(Arg root, string relative, string? source, string? fsType, long flags, string? data, string description,
        bool noSymlinks = false)
    {
        var fd = noSymlinks
            ? OpenInRoot(root, relative, Flags.O_PATH, $"{description}: unable to open the target without following symlinks", noSymlinks: true)
            : OpenInRoot(root, relative, Flags.O_PATH, $"{description}: unable to open the target");
        var target = FdPath(fd, description);
        plan.Syscall(description, Sys.mount, Str(source), target, Str(fsType), flags, Str(data));
        Close(fd);
    }

    /// <summary>Opens the target and moves the detached mount in <paramref name="mountFd"/> onto it (move_mount).</summary>
    public void MoveMountOnto(Arg root, string relative, int mountFd, string description)
    {
        var fd = OpenInRoot(root, relative, Flags.O_PATH, $"{description}: unable to open the target");
        var empty = plan.String("");
        plan.Syscall(description, Sys.move_mount, mountFd, empty, fd, empty, Flags.MOVE_MOUNT_F_EMPTY_PATH | Flags.MOVE_MOUNT_T_EMPTY_PATH);
        Close(fd);
        plan.Syscall("close", Sys.close, mountFd);
    }

    /// <summary>Re-opens the (now mounted) target and remounts it with more flags.</summary>
    public void Remount(Arg root, string relative, long flags, string description)
    {
        var fd = OpenInRoot(root, relative, Flags.O_PATH, $"{description}: unable to open the target");
        var target = FdPath(fd, description);
        plan.Step(description, StepKind.Remount, target, flags);
        Close(fd);
    }

    public void SetPropagation(Arg root, string relative, long propagation, string description)
    {
        var fd = OpenInRoot(root, relative, Flags.O_PATH, $"{description}: unable to open the target");
        var target = FdPath(fd, description);
        plan.Syscall(description, Sys.mount, 0, target, 0, propagation, 0);
        Close(fd);
    }

    /// <summary>mount_setattr(2) with AT_RECURSIVE on the mounted target: the r* options (rro, rnosuid, ...).</summary>
    public void SetRecursiveAttributes(Arg root, string relative, ulong set, ulong clear, string description)
    {
        var fd = OpenInRoot(root, relative, Flags.O_PATH, $"{description}: unable to open the target");
        // struct mount_attr { u64 attr_set; u64 attr_clr; u64 propagation; u64 userns_fd; }
        var attr = new byte[32];
        BitConverter.TryWriteBytes(attr.AsSpan(0), set);
        BitConverter.TryWriteBytes(attr.AsSpan(8), clear);
        plan.Syscall(description, Sys.mount_setattr, fd, plan.String(""), Flags.AT_EMPTY_PATH | Flags.AT_RECURSIVE, plan.Bytes(attr), 32);
        Close(fd);
    }

    private Arg Str(string? s) => string.IsNullOrEmpty(s) ? 0 : plan.String(s);
}
