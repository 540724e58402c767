using Runsharp.Linux.Native;

namespace Runsharp.Linux;

/// <summary>
/// The new mount API (fsopen, fsconfig, fsmount) for a filesystem that is filled before anyone can see it: the
/// mount exists only as an fd, attached nowhere, until someone moves it into place with move_mount(2).
/// </summary>
public static unsafe class MountApi
{
    /// <summary>
    /// A new detached mount of <paramref name="fsType"/>. <paramref name="parameters"/> are its fsconfig
    /// parameters: (key, value) strings, or (key, null) flags such as "sync". <paramref name="attributes"/> are
    /// MOUNT_ATTR_* flags of the mount. Returns the mount fd (close-on-exec).
    /// </summary>
    public static int NewDetached(string fsType, IEnumerable<(string Key, string? Value)> parameters, ulong attributes, string what)
    {
        int fs;
        fixed (byte* t = Posix.Z(fsType)) fs = (int)Posix.Call($"{what}: fsopen {fsType}", Sys.fsopen, (long)t, Flags.FSOPEN_CLOEXEC);
        try
        {
            foreach (var (key, value) in parameters)
            {
                fixed (byte* k = Posix.Z(key))
                fixed (byte* v = value is null ? null : Posix.Z(value))
                {
                    Posix.Call($"{what}: {(value is null ? key : $"{key}={value}")}", Sys.fsconfig, fs,
                        value is null ? Flags.FSCONFIG_SET_FLAG : Flags.FSCONFIG_SET_STRING, (long)k, (long)v, 0);
                }
            }
            Posix.Call($"{what}: unable to create the {fsType} superblock", Sys.fsconfig, fs, Flags.FSCONFIG_CMD_CREATE, 0, 0, 0);
            return (int)Posix.Call($"{what}: fsmount", Sys.fsmount, fs, Flags.FSMOUNT_CLOEXEC, (long)attributes);
        }
        finally { Posix.Close(fs); }
    }

    /// <summary>
    /// openat2 of <paramref name="relative"/> under <paramref name="rootFd"/> with every symlink resolved inside
    /// it (RESOLVE_IN_ROOT, no magic links). Returns the fd, or -errno.
    /// </summary>
    public static int OpenInRoot(int rootFd, string relative, int flags)
    {
        // struct open_how { u64 flags; u64 mode; u64 resolve; }
        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(flags | Flags.O_CLOEXEC);
        how[1] = 0;
        how[2] = Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_MAGICLINKS;
        fixed (byte* p = Posix.Z(relative.Length == 0 ? "." : relative))
        {
            long r;
            do { r = RawSyscall.Invoke(Sys.openat2, rootFd, (long)p, (long)how, 24); } while (r == -Errno.EINTR);
            return (int)r;
        }
    }
}
