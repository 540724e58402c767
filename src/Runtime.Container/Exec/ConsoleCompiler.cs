using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Exec;

/// <summary>
/// terminal: true. The pty is made inside the container (its devpts), and its master goes to the caller's
/// console socket in one sendmsg carrying exactly one SCM_RIGHTS fd, as go-runc's receiver requires.
/// </summary>
public static class ConsoleCompiler
{
    public static void Compile(PlanBuilder plan, int consoleSocketFd, Box? size)
    {
        // "/dev/ptmx\0" (10) "/dev/console\0" (13) then 32 bytes for the slave's path.
        var names = plan.Bytes("/dev/ptmx\0/dev/console\0"u8.ToArray().Concat(new byte[32]).ToArray());
        // The message carries a name, as runc's does: struct iovec { void* base; size_t len; }.
        var name = plan.String("/dev/ptmx");
        var iovBytes = new byte[16];
        BitConverter.TryWriteBytes(iovBytes.AsSpan(8), 9UL); // "/dev/ptmx" without its NUL
        var iov = plan.Bytes(iovBytes);
        plan.PointerAt(iov, 0, name);
        // struct cmsghdr { size_t len = CMSG_LEN(4) = 20; int level; int type; } + the fd, filled in by the child.
        var cmsg = new byte[24];
        BitConverter.TryWriteBytes(cmsg.AsSpan(0), 20UL);
        BitConverter.TryWriteBytes(cmsg.AsSpan(8), Flags.SOL_SOCKET);
        BitConverter.TryWriteBytes(cmsg.AsSpan(12), Flags.SCM_RIGHTS);
        var control = plan.Bytes(cmsg);
        // struct msghdr { name; namelen; iov; iovlen; control; controllen; flags }
        var msgBytes = new byte[56];
        BitConverter.TryWriteBytes(msgBytes.AsSpan(24), 1UL);
        BitConverter.TryWriteBytes(msgBytes.AsSpan(40), 24UL);
        var msg = plan.Bytes(msgBytes);
        plan.PointerAt(msg, 16, iov);
        plan.PointerAt(msg, 32, control);

        Arg winsize = 0;
        if (size is { Height: > 0 } or { Width: > 0 })
        {
            var ws = new byte[8];
            BitConverter.TryWriteBytes(ws.AsSpan(0), (ushort)size!.Height);
            BitConverter.TryWriteBytes(ws.AsSpan(2), (ushort)size.Width);
            winsize = plan.Bytes(ws);
        }
        plan.Step("unable to set up the console (process.terminal)", StepKind.SetupConsole, consoleSocketFd, msg, winsize, names);
    }
}
