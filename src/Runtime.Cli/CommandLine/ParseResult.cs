namespace Runsharp.Cli.CommandLine;

public enum ParseOutcome
{
    /// <summary>Dispatch <see cref="ParseResult.CommandLine"/> to its handler.</summary>
    Run,
    /// <summary>Print <see cref="ParseResult.StdoutText"/> (help or version) and exit 0.</summary>
    PrintAndExit,
    /// <summary>Print <see cref="ParseResult.StdoutText"/> (the usage, as runc does), then report
    /// <see cref="ParseResult.ErrorMessage"/> through the error reporter and exit with <see cref="ParseResult.ExitCode"/>.</summary>
    UsageError,
}

/// <summary>
/// What to do with argv. The parser never writes to the console itself, so it can be tested and so
/// the caller can set up the log (from <see cref="Globals"/>) before reporting a usage error.
/// </summary>
public sealed class ParseResult
{
    private ParseResult(ParseOutcome outcome, GlobalOptions globals)
    {
        Outcome = outcome;
        Globals = globals;
    }

    public ParseOutcome Outcome { get; }

    /// <summary>Whatever global flags were parsed; defaults when the error came before them.</summary>
    public GlobalOptions Globals { get; }

    public ParsedCommandLine? CommandLine { get; private init; }

    /// <summary>Text for stdout: help, version, or the usage shown before a usage error. May be empty.</summary>
    public string StdoutText { get; private init; } = "";

    public string? ErrorMessage { get; private init; }

    public int ExitCode { get; private init; }

    internal static ParseResult Run(ParsedCommandLine commandLine)
        => new(ParseOutcome.Run, commandLine.Globals) { CommandLine = commandLine };

    internal static ParseResult Print(GlobalOptions globals, string text)
        => new(ParseOutcome.PrintAndExit, globals) { StdoutText = text };

    internal static ParseResult Error(GlobalOptions globals, string message, string usageText, int exitCode = 1)
        => new(ParseOutcome.UsageError, globals) { ErrorMessage = message, StdoutText = usageText, ExitCode = exitCode };
}
