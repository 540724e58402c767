using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Mounts;

/// <summary>/dev contents: the devices every container gets, linux.devices, and the standard symlinks.</summary>
public static class DeviceCompiler
{
    private static readonly (string Path, long Major, long Minor)[] DefaultDevices =
    [
        ("/dev/null", 1, 3), ("/dev/zero", 1, 5), ("/dev/full", 1, 7),
        ("/dev/random", 1, 8), ("/dev/urandom", 1, 9), ("/dev/tty", 5, 0),
    ];

    private static readonly (string Link, string Target)[] DefaultLinks =
    [
        ("dev/fd", "/proc/self/fd"), ("dev/stdin", "/proc/self/fd/0"), ("dev/stdout", "/proc/self/fd/1"),
        ("dev/stderr", "/proc/self/fd/2"), ("dev/ptmx", "pts/ptmx"),
    ];

    public static void Compile(MountSteps steps, Arg root, IReadOnlyList<LinuxDevice>? devices, bool defaults, bool bindFromHost)
    {
        var userPaths = new HashSet<string>((devices ?? []).Select(d => InRootPath.Absolute(d.Path)));
        if (defaults)
        {
            foreach (var (path, major, minor) in DefaultDevices)
            {
                if (userPaths.Contains(path)) continue;
                if (bindFromHost) BindFromHost(steps, root, path, $"unable to create default device {path}");
                else Node(steps, root, path, Flags.S_IFCHR | 0x1b6, major, minor, 0, 0, $"unable to create default device {path}");
            }
            foreach (var (link, target) in DefaultLinks)
            {
                var dev = steps.OpenInRoot(root, "dev", Flags.O_PATH | Flags.O_DIRECTORY, "unable to open /dev");
                steps.Plan.Syscall($"unable to create symlink /{link} -> {target}", Sys.symlinkat,
                    steps.Plan.String(target), dev, steps.Plan.String(link[4..]), ignoreErrno: Linux.Errno.EEXIST);
                steps.Close(dev);
            }
        }
        for (int i = 0; i < (devices?.Count ?? 0); i++)
        {
            var d = devices![i];
            int type = d.Type switch
            {
                "c" or "u" => Flags.S_IFCHR,
                "b" => Flags.S_IFBLK,
                "p" => Flags.S_IFIFO,
                _ => throw new ContainerException($"linux.devices[{i}].type: unknown device type \"{d.Type}\""),
            };
            uint perm = (d.FileMode ?? 0x1b6) & 0xfff;
            if (bindFromHost) { BindFromHost(steps, root, d.Path, $"unable to create device {d.Path} (linux.devices[{i}])"); continue; }
            Node(steps, root, d.Path, type | (int)perm, d.Major, d.Minor, d.Uid ?? 0, d.Gid ?? 0,
                $"unable to create device {d.Path} (linux.devices[{i}])");
        }
    }

    /// <summary>In a user namespace mknod is refused: the host's node is bind-mounted instead (as runc does).</summary>
    private static void BindFromHost(MountSteps steps, Arg root, string path, string what)
    {
        string rel = InRootPath.Relative(path);
        steps.CreateFile(root, rel, what);
        steps.MountOnto(root, rel, InRootPath.Absolute(path), null, Flags.MS_BIND, null, what);
    }

    /// <summary>glibc's makedev encoding.</summary>
    public static long MakeDev(long major, long minor) =>
        ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);

    private static void Node(MountSteps steps, Arg root, string path, int mode, long major, long minor, uint uid, uint gid, string what)
    {
        string rel = InRootPath.Relative(path);
        string? parent = InRootPath.Parent(rel);
        string name = parent is null ? rel : rel[(parent.Length + 1)..];
        if (parent is not null) steps.MkdirAll(root, parent, what);
        var dir = steps.OpenInRoot(root, parent ?? "", Flags.O_PATH | Flags.O_DIRECTORY, what);
        var plan = steps.Plan;
        var n = plan.String(name);
        plan.Syscall(what, Sys.unlinkat, dir, n, 0, ignoreErrno: Linux.Errno.ENOENT);
        plan.Syscall(what, Sys.mknodat, dir, n, mode, MakeDev(major, minor));
        plan.Syscall(what, Sys.fchownat, dir, n, uid, gid, Flags.AT_SYMLINK_NOFOLLOW);
        steps.Close(dir);
    }
}
