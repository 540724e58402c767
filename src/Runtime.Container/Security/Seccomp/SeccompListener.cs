using System.Text;
using System.Text.Json;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Security.Seccomp;

/// <summary>
/// The parent's half of SCMP_ACT_NOTIFY. Before the fork: a socketpair whose one end the init uses to send
/// the notify fd right after its filter is loaded (see <see cref="SeccompCompiler"/>). When the init's
/// SeccompFd record arrives: receive the fd, connect to <c>linux.seccomp.listenerPath</c> and send, in one
/// sendmsg, the ContainerProcessState JSON with the fd attached (SCM_RIGHTS), as runc does; then close our copy.
/// </summary>
public static unsafe class SeccompListener
{
    private const string Field = "linux.seccomp.listenerPath";
    private const long SysSocket = 41, SysConnect = 42; // x86_64
    /// <summary>The name under which the fd is listed in <see cref="ContainerProcessState.Fds"/> (specs-go's SeccompFdName).</summary>
    public const string SeccompFdName = "seccompFd";

    /// <summary>An AF_UNIX stream pair, both ends close-on-exec: (parent's end, init's end).</summary>
    public static (int Parent, int Child) SocketPair() => UnixSocket.Pair("unable to create the seccomp notify socket pair");

    /// <summary>Takes the notify fd off the parent's end of the pair and hands it to the listener with <paramref name="state"/>.</summary>
    public static void Forward(int socketFd, LinuxSeccomp seccomp, Spec.State state)
    {
        int fd = ReceiveFd(socketFd);
        try
        {
            var message = new ContainerProcessState
            {
                OciVersion = state.OciVersion, Fds = [SeccompFdName], Pid = state.Pid,
                Metadata = string.IsNullOrEmpty(seccomp.ListenerMetadata) ? null : seccomp.ListenerMetadata,
                State = state,
            };
            Send(seccomp.ListenerPath!, SpecJson.SerializeToUtf8(message), fd);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>One message of the init: a byte and exactly one fd.</summary>
    public static int ReceiveFd(int socketFd)
    {
        int fd = UnixSocket.TryReceiveFd(socketFd, dontWait: false);
        if (fd == -Errno.EPIPE || fd == -UnixSocket.EBADMSG)
            throw new ContainerException($"{Field}: the container's init did not send the seccomp notify fd");
        if (fd < 0) throw new ContainerException($"{Field}: unable to receive the seccomp notify fd from the container's init: {Errno.Message(-fd)}");
        return fd;
    }

    /// <summary>Connects to the listener and sends <paramref name="json"/> with <paramref name="fd"/> in one sendmsg.</summary>
    public static void Send(string listenerPath, byte[] json, int fd)
    {
        var path = Encoding.UTF8.GetBytes(listenerPath);
        // struct sockaddr_un { sa_family_t family; char path[108]; }
        if (path.Length >= 108) throw new ContainerException($"{Field}: path too long: {listenerPath}");
        int sock = (int)Posix.Call($"{Field}: unable to create a unix socket", SysSocket, Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0);
        try
        {
            byte* addr = stackalloc byte[110];
            new Span<byte>(addr, 110).Clear();
            *(ushort*)addr = (ushort)Flags.AF_UNIX;
            path.CopyTo(new Span<byte>(addr + 2, 108));
            long r;
            do { r = RawSyscall.Invoke(SysConnect, sock, (long)addr, 2 + path.Length + 1); } while (r == -Errno.EINTR);
            if (r < 0) throw new ContainerException($"{Field}: unable to connect to the seccomp listener {listenerPath}: {Errno.Message((int)-r)}");

            fixed (byte* payload = json)
            {
                long* iov = stackalloc long[2];
                iov[0] = (long)payload;
                iov[1] = json.Length;
                byte* control = stackalloc byte[24];
                new Span<byte>(control, 24).Clear();
                *(ulong*)control = 20; // CMSG_LEN(sizeof(int))
                *(int*)(control + 8) = Flags.SOL_SOCKET;
                *(int*)(control + 12) = Flags.SCM_RIGHTS;
                *(int*)(control + 16) = fd;
                long* msg = stackalloc long[7];
                new Span<long>(msg, 7).Clear();
                msg[2] = (long)iov;
                msg[3] = 1;
                msg[4] = (long)control;
                msg[5] = 24;
                do { r = RawSyscall.Invoke(Sys.sendmsg, sock, (long)msg, 0x4000 /* MSG_NOSIGNAL */); } while (r == -Errno.EINTR);
                if (r < 0) throw new ContainerException($"{Field}: unable to send the seccomp notify fd to {listenerPath}: {Errno.Message((int)-r)}");
                // A stream socket may take a long state in parts; the fd went with the first.
                if (r < json.Length) Posix.WriteAll(sock, json.AsSpan((int)r), $"{Field}: unable to send the container state to {listenerPath}");
            }
        }
        finally
        {
            Posix.Close(sock);
        }
    }
}
