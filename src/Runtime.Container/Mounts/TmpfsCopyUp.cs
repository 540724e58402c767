using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Mounts;

/// <summary>
/// The parent's half of tmpfs mounts with the "tmpcopyup" option (runc's extension; podman puts it on the tmpfs it
/// mounts over /tmp, /run and /var/tmp of a --read-only container). Before the fork each one is made as a detached
/// mount (fsopen/fsconfig/fsmount) and filled with what the rootfs has at its destination, looked up inside the
/// rootfs (openat2 RESOLVE_IN_ROOT) and copied without following symlinks; the tmpfs root takes that directory's
/// mode. The child only moves the mount onto its target, like an id-mapped mount. What is copied is the rootfs as
/// it is on disk: a spec mount earlier in the list that covers the destination is not seen.
/// </summary>
public sealed class TmpfsCopyUp : IDisposable
{
    private readonly Dictionary<int, int> _fds = new();

    /// <summary>Mount index to the filled, detached tmpfs.</summary>
    public IReadOnlyDictionary<int, int> Fds => _fds;

    // mount(2) flags that are attributes of the mount (MOUNT_ATTR_*); relatime is the default (0).
    private static readonly (long Flag, ulong Attribute)[] Attributes =
    [
        (Flags.MS_NOSUID, Flags.MOUNT_ATTR_NOSUID), (Flags.MS_NODEV, Flags.MOUNT_ATTR_NODEV),
        (Flags.MS_NOEXEC, Flags.MOUNT_ATTR_NOEXEC), (Flags.MS_NOATIME, Flags.MOUNT_ATTR_NOATIME),
        (Flags.MS_STRICTATIME, Flags.MOUNT_ATTR_STRICTATIME), (Flags.MS_NODIRATIME, Flags.MOUNT_ATTR_NODIRATIME),
        (Flags.MS_NOSYMFOLLOW, Flags.MOUNT_ATTR_NOSYMFOLLOW), (Flags.MS_RELATIME, 0),
    ];

    // mount(2) flags that belong to the superblock: fsconfig flags of the same meaning (silent only quiets the log).
    private static readonly (long Flag, string? Parameter)[] SuperblockFlags =
    [
        (Flags.MS_SYNCHRONOUS, "sync"), (Flags.MS_DIRSYNC, "dirsync"), (Flags.MS_LAZYTIME, "lazytime"),
        (Flags.MS_MANDLOCK, "mand"), (Flags.MS_SILENT, null),
    ];

    public static TmpfsCopyUp Prepare(Spec.Spec spec, string rootfs)
    {
        var result = new TmpfsCopyUp();
        var mounts = spec.Mounts ?? [];
        int root = -1;
        try
        {
            for (int i = 0; i < mounts.Count; i++)
            {
                var m = mounts[i];
                var opts = MountOptions.Parse(m.Options, m.Type);
                if (!opts.CopyUp) continue;
                string where = $"mounts[{i}]";
                if (m.Type != "tmpfs")
                    throw new ContainerException($"{where}.options: tmpcopyup applies to tmpfs mounts only, not \"{m.Type}\"");
                if (root < 0) root = Posix.Open(rootfs, Flags.O_PATH | Flags.O_DIRECTORY);
                result._fds[i] = Make(opts, root, m.Destination, where);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally { Posix.Close(root); }
        return result;
    }

    private static int Make(MountOptions opts, int root, string destination, string where)
    {
        string what = $"unable to mount tmpfs on {destination} ({where})";
        ulong attributes = 0;
        long known = Flags.MS_RDONLY;
        foreach (var (flag, attribute) in Attributes)
        {
            known |= flag;
            if ((opts.Flags & flag) != 0) attributes |= attribute;
        }
        var parameters = new List<(string, string?)>();
        foreach (var (flag, parameter) in SuperblockFlags)
        {
            known |= flag;
            if ((opts.Flags & flag) != 0 && parameter is not null) parameters.Add((parameter, null));
        }
        if ((opts.Flags & ~known) != 0 || opts.Bind)
            throw new ContainerException($"{where}.options: tmpcopyup cannot be combined with remount, bind or iversion");
        foreach (var d in opts.Data.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = d.IndexOf('=');
            parameters.Add(eq < 0 ? (d, null) : (d[..eq], d[(eq + 1)..]));
        }

        // Read-only comes last: the tmpfs must be written first.
        int mount = MountApi.NewDetached("tmpfs", parameters, attributes, what);
        try
        {
            int source = MountApi.OpenInRoot(root, InRootPath.Relative(destination), Flags.O_RDONLY | Flags.O_DIRECTORY);
            if (source >= 0)
            {
                try
                {
                    int top = Posix.OpenAt(mount, ".", Flags.O_RDONLY | Flags.O_DIRECTORY, what);
                    try { DirectoryCopy.Into(source, top, $"{what}: tmpcopyup"); }
                    finally { Posix.Close(top); }
                }
                finally { Posix.Close(source); }
            }
            else if (source != -Errno.ENOENT && source != -Errno.ENOTDIR)
                throw new LinuxException(-source, $"{what}: unable to open {destination} in the rootfs for tmpcopyup");
            // (Nothing there: an empty tmpfs; the child creates the directory.)
            if ((opts.Flags & Flags.MS_RDONLY) != 0)
            {
                int r = Posix.MountSetattr(mount, false, Flags.MOUNT_ATTR_RDONLY);
                if (r < 0) throw new LinuxException(-r, $"{what}: unable to make it read-only");
            }
            return mount;
        }
        catch
        {
            Posix.Close(mount);
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var fd in _fds.Values) Posix.Close(fd);
        _fds.Clear();
    }
}
