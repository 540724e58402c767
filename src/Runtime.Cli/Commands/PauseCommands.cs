using Runsharp.Container.Lifecycle;

namespace Runsharp.Cli.Commands;

/// <summary>`pause ID`: freeze every process of a running or created container.</summary>
public static class PauseCommand
{
    public static int Run(CommandContext c)
    {
        new ContainerOperations(c.Store, c.Debug, c.Warn).Pause(c.Command.ContainerId);
        return 0;
    }
}

/// <summary>`resume ID`: thaw a paused container.</summary>
public static class ResumeCommand
{
    public static int Run(CommandContext c)
    {
        new ContainerOperations(c.Store, c.Debug, c.Warn).Resume(c.Command.ContainerId);
        return 0;
    }
}
