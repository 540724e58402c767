using Runsharp.Container.Mounts;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Exec;

/// <summary>
/// process.cwd, entered through an fd opened inside the container's root rather than by chdir(path): a cwd such
/// as /proc/self/fd/7 names a magic link to whatever fd 7 is in the runtime's child, possibly a host directory
/// (CVE-2024-21626 class). openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS refuses that, and keeps ordinary
/// symlinks and ".." inside the root; fchdir then enters the directory it found.
/// </summary>
public static class WorkingDirectoryCompiler
{
    public static void Compile(PlanBuilder plan, OciProcess process)
    {
        string what = $"unable to change to the working directory {process.Cwd} (process.cwd)";
        var root = plan.NewSlot();
        plan.Syscall(what, Sys.openat, Flags.AT_FDCWD, plan.String("/"), Flags.O_PATH | Flags.O_DIRECTORY | Flags.O_CLOEXEC, result: root);
        var steps = new MountSteps(plan);
        var cwd = steps.OpenInRoot(root, process.Cwd!, Flags.O_PATH | Flags.O_DIRECTORY, what);
        plan.Syscall(what, Sys.fchdir, cwd);
        steps.Close(cwd);
        steps.Close(root);
    }
}
