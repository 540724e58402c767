using Runsharp.Cli.CommandLine;

namespace Runsharp.Cli.Tests.CommandLine;

internal static class ParseHelpers
{
    /// <summary>Splits on spaces; fine for the argv shapes in these tables.</summary>
    public static ParseResult Parse(string commandLine)
        => CommandLineParser.ParseArgs(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static ParsedCommandLine Run(string commandLine)
    {
        var result = Parse(commandLine);
        Assert.True(result.Outcome == ParseOutcome.Run, $"expected Run for '{commandLine}', got {result.Outcome}: {result.ErrorMessage}");
        return result.CommandLine!;
    }

    public static ParseResult Error(string commandLine)
    {
        var result = Parse(commandLine);
        Assert.True(result.Outcome == ParseOutcome.UsageError, $"expected UsageError for '{commandLine}', got {result.Outcome}");
        return result;
    }
}
