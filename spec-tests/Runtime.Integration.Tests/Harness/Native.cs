using System.Runtime.InteropServices;

namespace Runtime.Integration.Tests.Harness;

/// <summary>The few libc calls the harness needs (the test host is .NET on Linux x86-64/arm64).</summary>
public static unsafe partial class Native
{
    [DllImport("libc", SetLastError = true)] public static extern uint geteuid();
    [DllImport("libc", SetLastError = true)] public static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] public static extern nint read(int fd, byte* buf, nint count);
    [DllImport("libc", SetLastError = true)] public static extern int ioctl(int fd, ulong request, int* arg);
    [DllImport("libc", SetLastError = true)] public static extern int poll(PollFd* fds, ulong nfds, int timeout);
    [DllImport("libc", SetLastError = true)] public static extern nint recvmsg(int sockfd, MsgHdr* msg, int flags);
    [DllImport("libc", SetLastError = true)] public static extern int kill(int pid, int sig);
    [DllImport("libc", SetLastError = true)] public static extern int mkfifo(string path, uint mode);
    [DllImport("libc", SetLastError = true)] public static extern int tgkill(int tgid, int tid, int sig);

    public const ulong TIOCGPTN = 0x80045430;
    public const int SOL_SOCKET = 1;
    public const int SCM_RIGHTS = 1;
    public const short POLLIN = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int fd; public short events; public short revents; }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec { public void* iov_base; public nuint iov_len; }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* msg_name; public uint msg_namelen;
        public IoVec* msg_iov; public nuint msg_iovlen;
        public void* msg_control; public nuint msg_controllen;
        public int msg_flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr { public nuint cmsg_len; public int cmsg_level; public int cmsg_type; }

    public static int CmsgAlign(int len) => (len + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);
    public static int CmsgLen(int dataLen) => CmsgAlign(sizeof(CmsgHdr)) + dataLen;
    public static int CmsgSpace(int dataLen) => CmsgAlign(sizeof(CmsgHdr)) + CmsgAlign(dataLen);

    /// <summary>
    /// Receives one message on a connected unix socket and returns every fd passed with SCM_RIGHTS, plus the
    /// payload (runc sends the pty name as payload). The caller owns the returned fds.
    /// </summary>
    public static (List<int> Fds, byte[] Payload, int CmsgCount, int MsgFlags) RecvFds(int sockFd)
    {
        const int payloadMax = 8192;
        const int controlMax = 1024; // room for many fds, so that a runtime sending several is detected
        var payload = new byte[payloadMax];
        var control = stackalloc byte[controlMax];
        new Span<byte>(control, controlMax).Clear();
        fixed (byte* p = payload)
        {
            var iov = new IoVec { iov_base = p, iov_len = payloadMax };
            var msg = new MsgHdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = controlMax };
            nint n;
            do { n = recvmsg(sockFd, &msg, 0x40000000 /* MSG_CMSG_CLOEXEC */); }
            while (n < 0 && Marshal.GetLastPInvokeError() == 4 /* EINTR */);
            if (n < 0) throw new IOException($"recvmsg failed: errno {Marshal.GetLastPInvokeError()}");
            var fds = new List<int>();
            int count = 0;
            int off = 0;
            int hdr = CmsgAlign(sizeof(CmsgHdr));
            while (off + sizeof(CmsgHdr) <= (int)msg.msg_controllen)
            {
                var c = (CmsgHdr*)(control + off);
                if ((int)c->cmsg_len < sizeof(CmsgHdr)) break;
                count++;
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                {
                    int nfd = ((int)c->cmsg_len - hdr) / sizeof(int);
                    var data = (int*)(control + off + hdr);
                    for (int i = 0; i < nfd; i++) fds.Add(data[i]);
                }
                off += CmsgAlign((int)c->cmsg_len);
            }
            return (fds, payload.AsSpan(0, (int)n).ToArray(), count, msg.msg_flags);
        }
    }

    /// <summary>Reads from fd until <paramref name="until"/> returns true, EOF/EIO, or the timeout.</summary>
    public static string ReadFdUntil(int fd, Func<string, bool> until, TimeSpan timeout)
    {
        var sb = new System.Text.StringBuilder();
        var deadline = DateTime.UtcNow + Env.Patience(timeout);
        var buf = stackalloc byte[4096];
        while (DateTime.UtcNow < deadline && !until(sb.ToString()))
        {
            var pfd = new PollFd { fd = fd, events = POLLIN };
            int left = (int)Math.Max(1, (deadline - DateTime.UtcNow).TotalMilliseconds);
            int r = poll(&pfd, 1, Math.Min(left, 200));
            if (r < 0 && Marshal.GetLastPInvokeError() == 4) continue;
            if (r <= 0) continue;
            nint n = read(fd, buf, 4096);
            if (n <= 0) break; // EOF, or EIO once the pty slave is closed
            sb.Append(System.Text.Encoding.UTF8.GetString(new ReadOnlySpan<byte>(buf, (int)n)));
        }
        return sb.ToString();
    }
}
