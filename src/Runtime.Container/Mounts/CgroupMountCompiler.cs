using Runsharp.Container.Process;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Mounts;

/// <summary>
/// A "cgroup" mount shows the container its own cgroups. On v1 that is a tmpfs holding one bind mount per
/// hierarchy (the container's directory in it), plus symlinks for co-mounted controllers; on v2 it is the
/// container's cgroup2 directory bind-mounted.
/// </summary>
public static class CgroupMountCompiler
{
    public static void Compile(MountSteps steps, Slot root, InitContext ctx, string dest, MountOptions opts, string where)
    {
        var source = ctx.CgroupMount;
        string description = $"unable to mount cgroup on /{dest} ({where})";
        long roFlags = opts.Flags & MountOptions.RemountableFlags;
        steps.MkdirAll(root, dest, description);
        if (source is null) return;
        if (source.Unified)
        {
            var h = source.Hierarchies.FirstOrDefault();
            if (h is null) return;
            steps.MountOnto(root, dest, h.HostPath, null, Flags.MS_BIND | Flags.MS_REC, null, description);
            if (roFlags != 0) steps.Remount(root, dest, roFlags, description);
            return;
        }
        steps.MountOnto(root, dest, "tmpfs", "tmpfs", Flags.MS_NOSUID | Flags.MS_NODEV | Flags.MS_NOEXEC, "mode=755", description);
        foreach (var h in source.Hierarchies)
        {
            string sub = $"{dest}/{h.Name}";
            steps.MkdirAll(root, sub, description);
            steps.MountOnto(root, sub, h.HostPath, null, Flags.MS_BIND | Flags.MS_REC, null, description);
            steps.Remount(root, sub, roFlags | Flags.MS_NOSUID | Flags.MS_NODEV | Flags.MS_NOEXEC, description);
            foreach (var alias in h.Aliases)
            {
                var dir = steps.OpenInRoot(root, dest, Flags.O_PATH | Flags.O_DIRECTORY, description);
                steps.Plan.Syscall(description, Sys.symlinkat, steps.Plan.String(h.Name), dir, steps.Plan.String(alias),
                    ignoreErrno: Linux.Errno.EEXIST);
                steps.Close(dir);
            }
        }
        // The tmpfs itself becomes read-only last, as the spec's options ask.
        if ((opts.Flags & Flags.MS_RDONLY) != 0) steps.Remount(root, dest, roFlags, description);
    }
}
