using System.Runtime.InteropServices;
using System.Text;
using Runsharp.Linux.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Runsharp.Linux;

/// <summary>
/// Parent-side system calls with exceptions that say what was being done. Everything opened here is
/// O_CLOEXEC, and there are no SafeHandles: a finalizer must never run while the runtime forks.
/// </summary>
public static unsafe class Posix
{
    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static int Check(int result, string action) => result < 0 ? throw new LinuxException(LastErrno, action) : result;

    /// <summary>Raw syscall returning result or throwing; for calls Tmds.LibC lacks.</summary>
    public static long Call(string action, long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
    {
        long r = RawSyscall.Invoke(nr, a1, a2, a3, a4, a5, a6);
        return r < 0 ? throw new LinuxException((int)-r, action) : r;
    }

    public static byte[] Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    public static int Open(string path, int flags, int mode = 0)
    {
        fixed (byte* p = Z(path))
        {
            int fd;
            do { fd = open(p, flags | Flags.O_CLOEXEC, (mode_t)(uint)mode); } while (fd < 0 && LastErrno == Errno.EINTR);
            return fd < 0 ? throw new LinuxException(LastErrno, $"open {path}") : fd;
        }
    }

    /// <summary>openat relative to a directory fd (O_CLOEXEC added).</summary>
    public static int OpenAt(int dirFd, string path, int flags, string action)
    {
        fixed (byte* p = Z(path))
        {
            int fd;
            do { fd = openat(dirFd, p, flags | Flags.O_CLOEXEC, 0); } while (fd < 0 && LastErrno == Errno.EINTR);
            return fd < 0 ? throw new LinuxException(LastErrno, action) : fd;
        }
    }

    /// <summary>Opens without throwing; returns -errno.</summary>
    public static int TryOpen(string path, int flags, int mode = 0)
    {
        fixed (byte* p = Z(path))
        {
            int fd = open(p, flags | Flags.O_CLOEXEC, (mode_t)(uint)mode);
            return fd < 0 ? -LastErrno : fd;
        }
    }

    /// <summary>open_tree(2) of <paramref name="path"/>; returns the fd or -errno.</summary>
    public static int OpenTree(string path, long flags)
    {
        fixed (byte* p = Z(path)) return (int)RawSyscall.Invoke(Sys.open_tree, Flags.AT_FDCWD, (long)p, flags);
    }

    /// <summary>mount_setattr(2) on the mount fd itself (AT_EMPTY_PATH); returns 0 or -errno.</summary>
    public static int MountSetattr(int fd, bool recursive, ulong set, ulong clear = 0, int usernsFd = 0)
    {
        // struct mount_attr { u64 attr_set; u64 attr_clr; u64 propagation; u64 userns_fd; }
        ulong* attr = stackalloc ulong[4];
        attr[0] = set; attr[1] = clear; attr[2] = 0; attr[3] = (ulong)usernsFd;
        byte empty = 0;
        return (int)RawSyscall.Invoke(Sys.mount_setattr, fd, (long)&empty,
            Flags.AT_EMPTY_PATH | (recursive ? Flags.AT_RECURSIVE : 0), (long)attr, 32);
    }

    public static void Close(int fd)
    {
        if (fd >= 0) close(fd);
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> data, string action)
    {
        fixed (byte* p = data)
        {
            int off = 0;
            while (off < data.Length)
            {
                long n = (long)write(fd, p + off, (size_t)(data.Length - off));
                if (n < 0)
                {
                    if (LastErrno == Errno.EINTR) continue;
                    throw new LinuxException(LastErrno, action);
                }
                off += (int)n;
            }
        }
    }

    /// <summary>Reads exactly buffer.Length bytes unless EOF comes first; returns the count read.</summary>
    public static int ReadFull(int fd, Span<byte> buffer, string action)
    {
        fixed (byte* p = buffer)
        {
            int off = 0;
            while (off < buffer.Length)
            {
                long n = (long)read(fd, p + off, (size_t)(buffer.Length - off));
                if (n == 0) break;
                if (n < 0)
                {
                    if (LastErrno == Errno.EINTR) continue;
                    throw new LinuxException(LastErrno, action);
                }
                off += (int)n;
            }
            return off;
        }
    }

    /// <summary>
    /// Reads a whole (small, usually /proc or cgroupfs) file with open/read/close; returns null and the errno on
    /// failure. .NET's File.ReadAllText adds an fstat and an flock to each read, which these files do not need.
    /// </summary>
    public static string? TryReadText(string path, out int errno)
    {
        int fd = TryOpen(path, Flags.O_RDONLY);
        if (fd < 0) { errno = -fd; return null; }
        try
        {
            var buffer = new byte[4096];
            int used = 0;
            while (true)
            {
                if (used == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                long n;
                fixed (byte* p = buffer) n = (long)read(fd, p + used, (size_t)(buffer.Length - used));
                if (n < 0)
                {
                    if (LastErrno == Errno.EINTR) continue;
                    errno = LastErrno;
                    return null;
                }
                if (n == 0) break;
                used += (int)n;
            }
            errno = 0;
            return Encoding.UTF8.GetString(buffer, 0, used);
        }
        finally { Close(fd); }
    }

    public static (int Read, int Write) Pipe(string action)
    {
        int* fds = stackalloc int[2];
        Check(pipe2(fds, Flags.O_CLOEXEC), action);
        return (fds[0], fds[1]);
    }

    public static void MkFifo(string path, int mode)
    {
        fixed (byte* p = Z(path)) Check(mkfifo(p, (mode_t)(uint)mode), $"mkfifo {path}");
    }

    public static int Kill(int pid, int signal) => kill((pid_t)pid, signal) < 0 ? LastErrno : 0;

    public static int PidfdOpen(int pid) => (int)RawSyscall.Invoke(Sys.pidfd_open, pid, 0);

    /// <summary>Signals through a pidfd, so a recycled pid can never be hit; returns 0 or errno.</summary>
    public static int PidfdSendSignal(int pidfd, int signal)
    {
        long r = RawSyscall.Invoke(Sys.pidfd_send_signal, pidfd, signal, 0, 0);
        return r < 0 ? (int)-r : 0;
    }

    /// <summary>waitpid; returns (pid, raw status) or (-errno, 0).</summary>
    public static (int Pid, int Status) WaitPid(int pid, int options)
    {
        int status = 0;
        long r;
        do { r = RawSyscall.Invoke(Sys.wait4, pid, (long)&status, options, 0); } while (r == -Errno.EINTR);
        return ((int)r, status);
    }

    /// <summary>Shell-style exit code from a wait status: the code, or 128+signal.</summary>
    public static int ExitCodeOf(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int PollWithErrno(pollfd* fds, ulong count, int timeoutMs);

    /// <summary>poll(2) with a GC transition (it may block for long) and a reliable errno: returns the number of
    /// ready fds, or -errno (-EINTR when a signal handler ran on this thread).</summary>
    public static int Poll(pollfd* fds, int count, int timeoutMs)
    {
        int r = PollWithErrno(fds, (ulong)count, timeoutMs);
        return r < 0 ? -LastErrno : r;
    }

    /// <summary>Blocks until a process (not necessarily our child) exits, via poll on its pidfd.</summary>
    public static bool WaitForExit(int pidfd, int timeoutMs)
    {
        pollfd pfd = new() { fd = pidfd, events = (short)POLLIN };
        while (true)
        {
            int r = Poll(&pfd, 1, timeoutMs);
            if (r == -Errno.EINTR) continue;
            return r > 0;
        }
    }

    public static int MemfdCreate(string name, string action)
    {
        fixed (byte* p = Z(name)) return (int)Call(action, Sys.memfd_create, (long)p, 1 /* MFD_CLOEXEC */);
    }

    public static void Fchdir(int fd, string action) => Check(fchdir(fd), action);

    public static void Flock(int fd, int op, string action) => Call(action, Sys.flock, fd, op);

    public static int Setns(int fd, long nstype) => (int)RawSyscall.Invoke(Sys.setns, fd, nstype);

    public static long NamespaceType(int fd) => RawSyscall.Invoke(Sys.ioctl, fd, Flags.NS_GET_NSTYPE);

    public static void Prlimit(int pid, int resource, ulong soft, ulong hard, string action)
    {
        ulong* lim = stackalloc ulong[2];
        lim[0] = soft;
        lim[1] = hard;
        Call(action, Sys.prlimit64, pid, resource, (long)lim, 0);
    }

    public static int Getuid() => (int)RawSyscall.Invoke(Sys.getuid);
    public static int Getgid() => (int)RawSyscall.Invoke(Sys.getgid);
    public static int Geteuid() => (int)RawSyscall.Invoke(107 /* geteuid */);

    public static bool Exists(string path)
    {
        fixed (byte* p = Z(path)) return faccessat(Flags.AT_FDCWD, p, 0 /* F_OK */, Flags.AT_SYMLINK_NOFOLLOW) == 0;
    }
}
