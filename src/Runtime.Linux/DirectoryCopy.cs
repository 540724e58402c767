using Runsharp.Linux.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Runsharp.Linux;

/// <summary>
/// Copies a directory tree between two directory fds, entry by entry relative to the fds, never following a
/// symlink: directories, regular files, symlinks and special files (fifos, sockets, device nodes), each with its
/// mode and owner. Used to fill a fresh tmpfs with what the rootfs had at that place (mount option tmpcopyup).
/// </summary>
public static unsafe class DirectoryCopy
{
    /// <summary>
    /// Copies directory <paramref name="srcDir"/> into the existing directory <paramref name="dstDir"/>: everything
    /// inside it, then its permission bits (as runc leaves a tmpfs with the mode of the directory it covers).
    /// </summary>
    public static void Into(int srcDir, int dstDir, string what)
    {
        Contents(srcDir, dstDir, what);
        stat st;
        if (fstat(srcDir, &st) < 0) throw new LinuxException(Posix.LastErrno, $"{what}: stat");
        Check(fchmod(dstDir, (mode_t)(st.st_mode & 0xfff)), what, "chmod", ".");
    }

    /// <summary>Copies everything inside <paramref name="srcDir"/> into <paramref name="dstDir"/>.</summary>
    public static void Contents(int srcDir, int dstDir, string what)
    {
        // The names come from the directory the fd is open on (the magic link resolves to it, not through a path).
        foreach (var entry in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{srcDir}"))
            Entry(srcDir, dstDir, Path.GetFileName(entry), what);
    }

    private static void Entry(int src, int dst, string name, string what)
    {
        fixed (byte* n = Posix.Z(name))
        {
            stat st;
            Check(fstatat(src, n, &st, Flags.AT_SYMLINK_NOFOLLOW), what, "stat", name);
            int mode = (int)st.st_mode;
            int perm = mode & 0xfff;
            switch (mode & Flags.S_IFMT)
            {
                case Flags.S_IFDIR:
                    Check(mkdirat(dst, n, 0x1c0 /* 0700 until filled */), what, "mkdir", name);
                    int s = Check(openat(src, n, Flags.O_RDONLY | Flags.O_DIRECTORY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC), what, "open", name);
                    try
                    {
                        int d = Check(openat(dst, n, Flags.O_RDONLY | Flags.O_DIRECTORY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC), what, "open", name);
                        try
                        {
                            Contents(s, d, what);
                            Own(d, st, perm, what, name);
                        }
                        finally { Posix.Close(d); }
                    }
                    finally { Posix.Close(s); }
                    break;
                case Flags.S_IFREG:
                    CopyFile(src, dst, n, st, perm, what, name);
                    break;
                case Flags.S_IFLNK:
                    var target = new byte[4097];
                    long len;
                    fixed (byte* t = target) len = (long)readlinkat(src, n, t, (size_t)(target.Length - 1));
                    if (len < 0) Check(-1, what, "readlink", name);
                    fixed (byte* t = target) Check(symlinkat(t, dst, n), what, "symlink", name);
                    Check(fchownat(dst, n, st.st_uid, st.st_gid, Flags.AT_SYMLINK_NOFOLLOW), what, "chown", name);
                    break;
                default: // fifo, socket, character or block device
                    Check(mknodat(dst, n, (mode_t)(uint)mode, st.st_rdev), what, "mknod", name);
                    Check(fchownat(dst, n, st.st_uid, st.st_gid, Flags.AT_SYMLINK_NOFOLLOW), what, "chown", name);
                    Check(fchmodat(dst, n, (mode_t)(uint)perm, 0), what, "chmod", name);
                    break;
            }
        }
    }

    private static void CopyFile(int src, int dst, byte* n, stat st, int perm, string what, string name)
    {
        int s = Check(openat(src, n, Flags.O_RDONLY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC), what, "open", name);
        try
        {
            int d = Check(openat(dst, n, Flags.O_WRONLY | Flags.O_CREAT | Flags.O_EXCL | Flags.O_NOFOLLOW | Flags.O_CLOEXEC, (mode_t)0x180u), what, "create", name);
            try
            {
                var buffer = new byte[64 * 1024];
                while (true)
                {
                    int got = Posix.ReadFull(s, buffer, $"{what}: read {name}");
                    if (got == 0) break;
                    Posix.WriteAll(d, buffer.AsSpan(0, got), $"{what}: write {name}");
                    if (got < buffer.Length) break;
                }
                Own(d, st, perm, what, name);
            }
            finally { Posix.Close(d); }
        }
        finally { Posix.Close(s); }
    }

    /// <summary>Owner first, then mode: chown clears the set-id bits.</summary>
    private static void Own(int fd, stat st, int perm, string what, string name)
    {
        Check(fchown(fd, st.st_uid, st.st_gid), what, "chown", name);
        Check(fchmod(fd, (mode_t)(uint)perm), what, "chmod", name);
    }

    private static int Check(int result, string what, string op, string name) =>
        result < 0 ? throw new LinuxException(Posix.LastErrno, $"{what}: {op} {name}") : result;
}
