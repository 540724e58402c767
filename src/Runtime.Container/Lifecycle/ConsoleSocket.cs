using System.Text;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Tmds.Linux;

namespace Runsharp.Container.Lifecycle;

/// <summary>Connects to the caller's console socket (an AF_UNIX stream socket) before the fork.</summary>
public static unsafe class ConsoleSocket
{
    public static int Connect(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(Path.GetFullPath(path));
        if (bytes.Length >= 108) throw new ContainerException($"--console-socket: path too long: {path}");
        int fd = Posix.Check(LibC.socket(Flags.AF_UNIX, Flags.SOCK_STREAM | Flags.SOCK_CLOEXEC, 0), "unable to create a unix socket");
        sockaddr_un addr = default;
        addr.sun_family = (ushort)Flags.AF_UNIX;
        for (int i = 0; i < bytes.Length; i++) addr.sun_path[i] = bytes[i];
        if (LibC.connect(fd, (sockaddr*)&addr, (uint)sizeof(sockaddr_un)) < 0)
        {
            int e = Posix.LastErrno;
            Posix.Close(fd);
            throw new ContainerException($"unable to connect to the console socket {path}: {Errno.Message(e)}");
        }
        return fd;
    }
}
