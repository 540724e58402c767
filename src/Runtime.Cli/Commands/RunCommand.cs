using Runsharp.Container.Lifecycle;
using Runsharp.Linux;

namespace Runsharp.Cli.Commands;

/// <summary>
/// `run`: create + start, and in the foreground wait for the init (we are its parent), then delete
/// unless --keep. The exit code is the container's.
/// </summary>
public static class RunCommand
{
    public static int Run(CommandContext c)
    {
        var cmd = c.Command;
        bool detach = cmd.GetBool("detach");
        var ops = new ContainerOperations(c.Store, c.Debug, c.Warn);
        var record = new CreateOperation(c.Store, c.Debug, c.Warn).Run(CreateCommand.Options(c, detached: detach));
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

        var (_, status) = Posix.WaitPid(record.Pid, 0);
        int code = Posix.ExitCodeOf(status);
        if (!cmd.GetBool("keep")) ops.Delete(record.Id, force: true);
        return code;
    }
}
