using Runsharp.Cli.CommandLine;
using static Runsharp.Cli.Tests.CommandLine.ParseHelpers;

namespace Runsharp.Cli.Tests.CommandLine;

/// <summary>Error texts and exit codes match runc 1.1 (Go flag package, urfave/cli v1, runc checkArgs).</summary>
public class ErrorWordingTests
{
    [Theory]
    [InlineData("create --foo ID", "flag provided but not defined: -foo")]
    [InlineData("create -foo=1 ID", "flag provided but not defined: -foo")]
    [InlineData("create ID --foo", "flag provided but not defined: -foo")]
    [InlineData("--foo create ID", "flag provided but not defined: -foo")]
    [InlineData("create ---bundle x ID", "bad flag syntax: ---bundle")]
    [InlineData("create -=x ID", "bad flag syntax: -=x")]
    [InlineData("create ID --bundle", "flag needs an argument: -bundle")]
    [InlineData("--root", "flag needs an argument: -root")]
    [InlineData("run --detach=maybe ID", "invalid boolean value \"maybe\" for -detach: parse error")]
    [InlineData("create --preserve-fds x ID", "invalid value \"x\" for flag -preserve-fds: parse error")]
    [InlineData("create --preserve-fds 99999999999 ID", "invalid value \"99999999999\" for flag -preserve-fds: value out of range")]
    [InlineData("events --interval=5x ID", "invalid value \"5x\" for flag -interval: parse error")]
    [InlineData("events --interval=5 ID", "invalid value \"5\" for flag -interval: parse error")]
    [InlineData("exec -g abc ID true", "invalid value \"abc\" for flag -g: parse error")]
    public void FlagErrors(string argv, string message)
    {
        var result = Error(argv);
        Assert.Equal(message, result.ErrorMessage);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void CommandFlagErrorPrintsUsageToStdoutLikeUrfave()
    {
        var result = Error("create --foo ID");
        Assert.StartsWith("Incorrect Usage: flag provided but not defined: -foo\n\n", result.StdoutText);
        Assert.Contains("runsharp create", result.StdoutText);
    }

    [Fact]
    public void GlobalFlagErrorPrintsAppUsage()
    {
        var result = Error("--foo list");
        Assert.StartsWith("Incorrect Usage. flag provided but not defined: -foo\n\n", result.StdoutText);
        Assert.Contains("COMMANDS:", result.StdoutText);
    }

    [Fact]
    public void InvalidLogFormat()
    {
        var result = Error("--log-format xml state ID");
        Assert.Equal("invalid log-format: xml", result.ErrorMessage);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void InvalidRootless()
    {
        Assert.Contains("\"maybe\"", Error("--rootless maybe state ID").ErrorMessage);
    }

    [Fact]
    public void UnknownCommandExits3()
    {
        var result = Error("frobnicate ID");
        Assert.Equal("No help topic for 'frobnicate'", result.ErrorMessage);
        Assert.Equal(3, result.ExitCode);
    }

    [Theory]
    [InlineData("create", "runsharp: \"create\" requires exactly 1 argument(s)")]
    [InlineData("create a b", "runsharp: \"create\" requires exactly 1 argument(s)")]
    [InlineData("start", "runsharp: \"start\" requires exactly 1 argument(s)")]
    [InlineData("run", "runsharp: \"run\" requires exactly 1 argument(s)")]
    [InlineData("state", "runsharp: \"state\" requires exactly 1 argument(s)")]
    [InlineData("delete", "runsharp: \"delete\" requires exactly 1 argument(s)")]
    [InlineData("pause", "runsharp: \"pause\" requires exactly 1 argument(s)")]
    [InlineData("resume a b", "runsharp: \"resume\" requires exactly 1 argument(s)")]
    [InlineData("update", "runsharp: \"update\" requires exactly 1 argument(s)")]
    [InlineData("events", "runsharp: \"events\" requires exactly 1 argument(s)")]
    [InlineData("checkpoint", "runsharp: \"checkpoint\" requires exactly 1 argument(s)")]
    [InlineData("restore", "runsharp: \"restore\" requires exactly 1 argument(s)")]
    [InlineData("list x", "runsharp: \"list\" requires exactly 0 argument(s)")]
    [InlineData("spec x", "runsharp: \"spec\" requires exactly 0 argument(s)")]
    [InlineData("features x", "runsharp: \"features\" requires exactly 0 argument(s)")]
    [InlineData("kill", "runsharp: \"kill\" requires a minimum of 1 argument(s)")]
    [InlineData("kill a 9 x", "runsharp: \"kill\" requires a maximum of 2 argument(s)")]
    [InlineData("exec", "runsharp: \"exec\" requires a minimum of 1 argument(s)")]
    [InlineData("ps", "runsharp: \"ps\" requires a minimum of 1 argument(s)")]
    public void ArgumentCounts(string argv, string message)
    {
        var result = Error(argv);
        Assert.Equal(message, result.ErrorMessage);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Incorrect Usage.\n\n", result.StdoutText);
    }

    [Theory]
    [InlineData("create ID", 1)]
    [InlineData("kill ID", 1)]
    [InlineData("kill ID KILL", 2)]
    [InlineData("exec ID sh -c true", 4)]
    [InlineData("exec -p /p.json ID", 1)]
    [InlineData("ps ID", 1)]
    [InlineData("list", 0)]
    [InlineData("features", 0)]
    [InlineData("spec --rootless", 0)]
    public void AcceptedCounts(string argv, int count)
    {
        Assert.Equal(count, Run(argv).Positionals.Count);
    }

    [Fact]
    public void ProgramNameIsConfigurable()
    {
        var result = new CommandLineParser("/usr/bin/runsharp").Parse(["start"]);
        Assert.Equal("/usr/bin/runsharp: \"start\" requires exactly 1 argument(s)", result.ErrorMessage);
    }

    [Fact]
    public void GlobalsSurviveACommandError()
    {
        // So the caller can open --log before reporting the usage error into it.
        var result = Error("--log /tmp/l.json --log-format json create");
        Assert.Equal("/tmp/l.json", result.Globals.LogPath);
        Assert.Equal(Runsharp.Cli.Logging.LogFormat.Json, result.Globals.LogFormat);
    }
}
