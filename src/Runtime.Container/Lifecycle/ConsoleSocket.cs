using System.Text;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Tmds.Linux;

namespace Runsharp.Container.Lifecycle;

/// <summary>Connects to the caller's console socket (an AF_UNIX stream socket) before the fork.</summary>
public static unsafe class ConsoleSocket
{
    /// <summary>How long connect(2) and the child's sendmsg(2) may wait for a listener that accepts nothing.</summary>
    public const int SendTimeoutSeconds = 10;

    private const int SO_SNDTIMEO = 21, EAGAIN = 11;

    public static int Connect(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(Path.GetFullPath(path));
        if (bytes.Length >= 108) throw new ContainerException($"--console-socket: path too long: {path}");
        int fd = Posix.Check(LibC.socket(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0), "unable to create a unix socket");
        sockaddr_un addr = default;
        addr.sun_family = (ushort)Flags.AF_UNIX;
        for (int i = 0; i < bytes.Length; i++) addr.sun_path[i] = bytes[i];
        // A listener whose backlog is full (it stopped accepting) blocks connect(2) until it accepts, forever if
        // it never does. With a send timeout the kernel gives up (EAGAIN) and create fails instead of hanging.
        long* timeout = stackalloc long[2] { SendTimeoutSeconds, 0 }; // struct timeval { tv_sec; tv_usec; }
        LibC.setsockopt(fd, Flags.SOL_SOCKET, SO_SNDTIMEO, timeout, 16);
        if (LibC.connect(fd, (sockaddr*)&addr, (uint)sizeof(sockaddr_un)) < 0)
        {
            int e = Posix.LastErrno;
            Posix.Close(fd);
            string why = e == EAGAIN
                ? $"nothing accepted the connection within {SendTimeoutSeconds} s (the listener's backlog is full)"
                : Errno.Message(e);
            throw new ContainerException($"unable to connect to the console socket {path}: {why}");
        }
        return fd;
    }
}
