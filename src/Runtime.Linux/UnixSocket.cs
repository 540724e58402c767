using Runsharp.Linux.Native;

namespace Runsharp.Linux;

/// <summary>AF_UNIX socket pairs and fd passing (SCM_RIGHTS), for fds a child sends back to the runtime.</summary>
public static unsafe class UnixSocket
{
    private const long SysSocketpair = 53; // x86_64
    private const int MsgDontwait = 0x40, MsgCmsgCloexec = 0x40000000;

    /// <summary>An AF_UNIX stream pair, both ends close-on-exec.</summary>
    public static (int A, int B) Pair(string action)
    {
        int* sv = stackalloc int[2];
        Posix.Call(action, SysSocketpair, Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0, (long)sv);
        return (sv[0], sv[1]);
    }

    /// <summary>
    /// Receives one message carrying one fd (made close-on-exec). Returns the fd, or -errno: -EAGAIN when
    /// <paramref name="dontWait"/> and nothing is queued, -EPIPE at end of stream, -EBADMSG when the message
    /// came without an fd. Only the first data byte is consumed: the pair is closed after one fd anyway.
    /// </summary>
    public static int TryReceiveFd(int socketFd, bool dontWait)
    {
        byte data = 0;
        long* iov = stackalloc long[2];
        iov[0] = (long)&data;
        iov[1] = 1;
        byte* control = stackalloc byte[64];
        new Span<byte>(control, 64).Clear();
        // struct msghdr { name, namelen, iov, iovlen, control, controllen, flags }
        long* msg = stackalloc long[7];
        new Span<long>(msg, 7).Clear();
        msg[2] = (long)iov;
        msg[3] = 1;
        msg[4] = (long)control;
        msg[5] = 64;
        long n;
        do { n = RawSyscall.Invoke(Sys.recvmsg, socketFd, (long)msg, MsgCmsgCloexec | (dontWait ? MsgDontwait : 0)); } while (n == -Errno.EINTR);
        if (n < 0) return (int)n;
        if (n == 0) return -Errno.EPIPE;
        // struct cmsghdr { size_t len; int level; int type; } then the fd.
        if (msg[5] < 20 || *(int*)(control + 8) != Flags.SOL_SOCKET || *(int*)(control + 12) != Flags.SCM_RIGHTS)
            return -EBADMSG;
        return *(int*)(control + 16);
    }

    public const int EBADMSG = 74;
}
