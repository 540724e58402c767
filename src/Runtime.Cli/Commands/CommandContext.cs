using Runsharp.Cli.CommandLine;
using Runsharp.Cli.Configuration;
using Runsharp.Cli.Logging;
using Runsharp.Container.State;

namespace Runsharp.Cli.Commands;

/// <summary>What every command handler gets: its parsed command line, the resolved settings, the store.</summary>
public sealed class CommandContext(ParsedCommandLine command, RuntimeSettings settings)
{
    public ParsedCommandLine Command { get; } = command;
    public RuntimeSettings Settings { get; } = settings;
    public StateStore Store { get; } = new(settings.Root);
    public Action<string> Debug { get; } = RuntimeLog.Current.Debug;
    public Action<string> Warn { get; } = RuntimeLog.Current.Warning;
}

/// <summary>stdout, written and flushed explicitly (no console machinery on other threads).</summary>
public static class Output
{
    public static void Write(string text)
    {
        var stdout = Console.OpenStandardOutput();
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        stdout.Write(bytes, 0, bytes.Length);
        stdout.Flush();
    }
}
