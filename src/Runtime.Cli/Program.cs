using Runsharp.Cli.CommandLine;
using Runsharp.Cli.Commands;
using Runsharp.Cli.Configuration;
using Runsharp.Cli.Logging;

namespace Runsharp.Cli;

/// <summary>Command line -> settings -> log -> the command's handler; one error record per failed command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var parsed = CommandLineParser.ParseArgs(args);
        if (parsed.Outcome == ParseOutcome.PrintAndExit)
        {
            Output.Write(parsed.StdoutText ?? "");
            return 0;
        }

        RuntimeSettings settings;
        try
        {
            settings = RuntimeSettings.Resolve(parsed.Globals, RuntimeConfigLoader.Load());
            RuntimeLog.Configure(settings.Log);
        }
        catch (Exception e) { return ErrorReporter.Fail(e); }

        if (parsed.Outcome == ParseOutcome.UsageError)
        {
            Output.Write(parsed.StdoutText ?? "");
            return ErrorReporter.Fail(parsed.ErrorMessage!, parsed.ExitCode);
        }

        var cmd = parsed.CommandLine!;
        var context = new CommandContext(cmd, settings);
        try
        {
            return cmd.CommandName switch
            {
                "create" => CreateCommand.Run(context),
                "start" => StartCommand.Run(context),
                "run" => RunCommand.Run(context),
                "state" => StateCommand.Run(context),
                "kill" => KillCommand.Run(context),
                "delete" => DeleteCommand.Run(context),
                "list" => ListCommand.Run(context),
                "spec" => SpecCommand.Run(context),
                "features" => FeaturesCommand.Run(context),
                "exec" => ExecCommand.Run(context),
                "pause" => PauseCommand.Run(context),
                "resume" => ResumeCommand.Run(context),
                "ps" => PsCommand.Run(context),
                "update" => UpdateCommand.Run(context),
                "events" => EventsCommand.Run(context),
                _ => ErrorReporter.Fail($"{cmd.CommandName}: not supported by this version of runsharp yet"),
            };
        }
        catch (Exception e) { return ErrorReporter.Fail(e); }
    }
}
