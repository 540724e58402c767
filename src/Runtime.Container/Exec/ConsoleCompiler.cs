using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Exec;

/// <summary>Bits of the SetupConsole step's options argument.</summary>
public static class ConsoleOptions
{
    /// <summary>Turn off the pty's "\n" -> "\r\n" output mapping: set when the runtime itself relays the master to
    /// its stdout (a foreground tty), whose own terminal adds the "\r" where one is needed, as runc does.</summary>
    public const long ClearOnlcr = 1;
}

/// <summary>Where a process's pty master goes and how the pty starts out.</summary>
/// <param name="SocketFd">The socket the master is sent on: the caller's --console-socket, or the runtime's own
/// socketpair when it relays a foreground tty itself.</param>
/// <param name="Size">The initial window size, or null for the kernel's default (0x0).</param>
/// <param name="Relayed">The runtime relays the master to its own stdio (no --console-socket).</param>
public sealed record ConsoleRequest(int SocketFd, Box? Size, bool Relayed);

/// <summary>
/// terminal: true. The pty is made inside the container (its devpts), and its master goes to the console socket
/// in one sendmsg carrying exactly one SCM_RIGHTS fd, as go-runc's receiver requires.
/// </summary>
public static class ConsoleCompiler
{
    public static void Compile(PlanBuilder plan, ConsoleRequest console)
    {
        // "/dev/ptmx\0" (10) "/dev/console\0" (13) then 32 bytes for the slave's path.
        var names = plan.Bytes("/dev/ptmx\0/dev/console\0"u8.ToArray().Concat(new byte[32]).ToArray());
        // The message carries a name, as runc's does; the child fills in the master's fd.
        var msg = ScmRightsMessage.Build(plan, "/dev/ptmx"u8).Message;

        Arg winsize = 0;
        if (console.Size is { Height: > 0 } or { Width: > 0 })
        {
            var ws = new byte[8];
            BitConverter.TryWriteBytes(ws.AsSpan(0), (ushort)console.Size!.Height);
            BitConverter.TryWriteBytes(ws.AsSpan(2), (ushort)console.Size.Width);
            winsize = plan.Bytes(ws);
        }
        long options = console.Relayed ? ConsoleOptions.ClearOnlcr : 0;
        plan.Step("unable to set up the console (process.terminal)", StepKind.SetupConsole, console.SocketFd, msg, winsize, names, options);
    }
}
