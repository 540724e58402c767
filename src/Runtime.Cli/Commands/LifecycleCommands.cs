using Runsharp.Cli.CommandLine;
using Runsharp.Container.Lifecycle;
using Runsharp.Spec;

namespace Runsharp.Cli.Commands;

public static class CreateCommand
{
    public static int Run(CommandContext c)
    {
        new CreateOperation(c.Store, c.Debug, c.Warn).Run(Options(c, detached: true));
        return 0;
    }

    public static CreateOptions Options(CommandContext c, bool detached)
    {
        var cmd = c.Command;
        return new CreateOptions
        {
            Id = cmd.ContainerId,
            Bundle = cmd.GetStringOrNull("bundle") ?? Directory.GetCurrentDirectory(),
            PidFile = cmd.GetStringOrNull("pid-file"),
            ConsoleSocket = cmd.GetStringOrNull("console-socket"),
            NoPivot = cmd.GetBool("no-pivot"),
            NoNewKeyring = cmd.GetBool("no-new-keyring"),
            PreserveFds = PreserveFdsFlag.Read(cmd),
            SystemdCgroup = c.Settings.UseSystemdCgroup,
            DefaultCgroupParent = c.Settings.DefaultCgroupParent,
            Detached = detached,
            Rootless = c.Settings.Rootless,
        };
    }
}

public static class StartCommand
{
    public static int Run(CommandContext c)
    {
        new ContainerOperations(c.Store, c.Debug, c.Warn).Start(c.Command.ContainerId);
        return 0;
    }
}

public static class StateCommand
{
    public static int Run(CommandContext c)
    {
        Output.Write(SpecJson.Serialize(new ContainerOperations(c.Store, c.Debug, c.Warn).State(c.Command.ContainerId)));
        return 0;
    }
}

public static class KillCommand
{
    public static int Run(CommandContext c)
    {
        int signal = Signals.Parse(c.Command.Arg(1) ?? "SIGTERM");
        new ContainerOperations(c.Store, c.Debug, c.Warn).Kill(c.Command.ContainerId, signal, c.Command.GetBool("all"));
        return 0;
    }
}

public static class DeleteCommand
{
    public static int Run(CommandContext c)
    {
        new ContainerOperations(c.Store, c.Debug, c.Warn).Delete(c.Command.ContainerId, c.Command.GetBool("force"));
        return 0;
    }
}
