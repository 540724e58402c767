using Runsharp.Container.Foreground;
using Runsharp.Container.Lifecycle;
using Runsharp.Linux;

namespace Runsharp.Cli.Commands;

/// <summary>
/// `run`: create + start, and in the foreground wait for the init (we are its parent), passing signals on and
/// relaying its tty when it has one without --console-socket; then delete unless --keep. The exit code is the
/// container's.
/// </summary>
public static class RunCommand
{
    public static int Run(CommandContext c)
    {
        var cmd = c.Command;
        bool detach = cmd.GetBool("detach");
        var ops = new ContainerOperations(c.Store, c.Debug, c.Warn);
        var create = new CreateOperation(c.Store, c.Debug, c.Warn);
        var record = create.Run(CreateCommand.Options(c, detached: detach));
        using var console = create.Console;
        // In the foreground, signals are caught from before the start (as runc does): one that came between the start
        // and the wait loop would otherwise kill the runtime and leave the container running. After create, so the
        // init, already forked, keeps the handlers it had.
        using var signals = detach ? null : ForwardedSignals.Start(c.Debug);
        try
        {
            ops.Start(record.Id);
        }
        catch
        {
            ops.Delete(record.Id, force: true);
            throw;
        }
        if (detach) return 0;

        int code = Posix.ExitCodeOf(ForegroundWait.Run(record.Pid, console, c.Debug, signals));
        if (!cmd.GetBool("keep")) ops.Delete(record.Id, force: true);
        return code;
    }
}
