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
        // The message carries a name, as runc's does; the child fills in the master's fd.
        var msg = ScmRightsMessage.Build(plan, "/dev/ptmx"u8).Message;

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
