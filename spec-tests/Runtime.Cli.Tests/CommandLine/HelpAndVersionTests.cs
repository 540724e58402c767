using Runsharp.Cli.CommandLine;
using static Runsharp.Cli.Tests.CommandLine.ParseHelpers;

namespace Runsharp.Cli.Tests.CommandLine;

public class HelpAndVersionTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-help")]
    [InlineData("help")]
    [InlineData("h")]
    [InlineData("")]
    [InlineData("--debug --help list")]
    public void AppHelpListsEveryCommand(string argv)
    {
        var result = Parse(argv);
        Assert.Equal(ParseOutcome.PrintAndExit, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        foreach (var name in new[] { "create", "start", "run", "state", "kill", "delete", "list", "spec", "features",
                     "exec", "ps", "pause", "resume", "update", "events", "checkpoint", "restore" })
            Assert.Contains("\n   " + name + " ", result.StdoutText);
        Assert.Contains("--root value", result.StdoutText);
        Assert.Contains("(default: \"/run/runsharp\")", result.StdoutText);
    }

    [Theory]
    [InlineData("create --help")]
    [InlineData("create -h")]
    [InlineData("create --help ID")]
    [InlineData("create ID --help")]
    [InlineData("help create")]
    public void CommandHelp(string argv)
    {
        var result = Parse(argv);
        Assert.Equal(ParseOutcome.PrintAndExit, result.Outcome);
        Assert.Contains("runsharp create - create a container", result.StdoutText);
        Assert.Contains("--bundle value, -b value", result.StdoutText);
        Assert.Contains("--no-pivot", result.StdoutText);
    }

    [Fact]
    public void EveryCommandHasHelp()
    {
        foreach (var command in CommandTable.Commands)
        {
            var result = Parse(command.Name + " --help");
            Assert.Equal(ParseOutcome.PrintAndExit, result.Outcome);
            Assert.Contains($"runsharp {command.Name} - ", result.StdoutText);
        }
    }

    [Fact]
    public void HiddenFlagsAreAcceptedButNotShown()
    {
        Assert.Equal("1", Run("update --kernel-memory 1 ID").GetString("kernel-memory"));
        Assert.DoesNotContain("kernel-memory", Parse("update --help").StdoutText);
    }

    [Fact]
    public void HelpForUnknownTopic()
    {
        var result = Error("help nope");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("No help topic for 'nope'", result.ErrorMessage);
    }

    [Fact]
    public void ExecHelpAfterTheIdBelongsToTheProcess()
    {
        Assert.Equal(["ID", "--help"], Run("exec ID --help").Positionals);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    [InlineData("-version")]
    public void VersionInRuncShape(string argv)
    {
        var result = Parse(argv);
        Assert.Equal(ParseOutcome.PrintAndExit, result.Outcome);
        var lines = result.StdoutText.Split('\n');
        Assert.Equal("runsharp version 0.1.0", lines[0]);
        Assert.Matches("^commit: ([0-9a-f]{7,40}|unknown)$", lines[1]);
        Assert.Equal("spec: 1.2.0", lines[2]);
        Assert.EndsWith("\n", result.StdoutText);
    }
}
