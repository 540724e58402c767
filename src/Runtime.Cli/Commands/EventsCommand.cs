using Runsharp.Container;
using Runsharp.Container.Monitoring;
using Runsharp.Container.State;

namespace Runsharp.Cli.Commands;

/// <summary>`events [--stats] [--interval D] ID`: one JSON object per line on stdout, flushed as written.</summary>
public static class EventsCommand
{
    public static int Run(CommandContext c)
    {
        var cmd = c.Command;
        string id = cmd.ContainerId;
        if (!c.Store.Exists(id)) throw StateStore.NotFound(id);
        var interval = cmd.GetDuration("interval");
        if (interval <= TimeSpan.Zero) throw new ContainerException("duration interval must be greater than 0");
        var events = new EventsOperation(c.Store, line => Output.Write(line + "\n"), c.Debug, c.Warn);
        if (cmd.GetBool("stats")) events.Stats(id);
        else events.Stream(id, interval);
        return 0;
    }
}
