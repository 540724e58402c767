using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Mounts;

/// <summary>
/// Steps that reach a procfs file the init writes (an LSM attr file, a sysctl) so that the write cannot be taken
/// by anything else (CVE-2019-16884, CVE-2025-52881 classes): the directory is opened without symlinks and proven
/// to be procfs (fstatfs), each file is opened below it with RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS
/// (so a file or directory mounted over it fails the open with EXDEV instead of taking the write) and proven to be
/// a procfs file before a byte is written.
/// </summary>
public sealed class ProcfsSteps(MountSteps steps)
{
    private PlanBuilder Plan => steps.Plan;

    /// <summary>
    /// Opens <paramref name="relative"/> in the container ("proc", "proc/sys") without following symlinks and checks
    /// it is a procfs directory (the procfs root when <paramref name="root"/>).
    /// </summary>
    public Slot OpenDirectory(string relative, bool root, string field)
    {
        var dir = steps.OpenInRoot(Flags.AT_FDCWD, relative, Flags.O_PATH | Flags.O_DIRECTORY,
            $"unable to open /{relative} in the container without following symlinks ({field})", noSymlinks: true);
        Plan.Step($"refusing to write {field}: /{relative} in the container is not {(root ? "the root of a procfs mount" : "a procfs directory")}",
            StepKind.VerifyInode, dir, Flags.PROC_SUPER_MAGIC, root ? Flags.PROC_ROOT_INO : 0, Flags.S_IFDIR);
        return dir;
    }

    /// <summary>
    /// /proc/thread-self below a verified procfs root: its one symlink is procfs's own ("PID/task/TID"), followed
    /// beneath the root without crossing a mount.
    /// </summary>
    public Slot OpenThreadSelf(Slot procRoot, string field)
    {
        var slot = Plan.NewSlot();
        Plan.Syscall($"unable to open /proc/thread-self without crossing a mount ({field})", Sys.openat2, procRoot,
            Plan.String("thread-self"), steps.How(Flags.O_PATH | Flags.O_DIRECTORY,
                Flags.RESOLVE_BENEATH | Flags.RESOLVE_NO_XDEV | Flags.RESOLVE_NO_MAGICLINKS), 24, result: slot);
        Plan.Step($"refusing to write {field}: /proc/thread-self in the container is not a procfs directory",
            StepKind.VerifyInode, slot, Flags.PROC_SUPER_MAGIC, 0, Flags.S_IFDIR);
        return slot;
    }

    /// <summary>Opens <paramref name="relative"/> below the procfs directory <paramref name="dir"/> for writing, and proves it is a procfs file.</summary>
    public Slot OpenFileForWriting(Slot dir, string relative, string shownPath, string what, string field)
    {
        var fd = steps.OpenBeneathSameMount(dir, relative, Flags.O_WRONLY, what);
        Plan.Step($"refusing to write {field}: {shownPath} in the container is not a procfs file", StepKind.VerifyInode, fd,
            Flags.PROC_SUPER_MAGIC, 0, Flags.S_IFREG);
        return fd;
    }
}
