using Runsharp.Cli.CommandLine;
using static Runsharp.Cli.Tests.CommandLine.ParseHelpers;

namespace Runsharp.Cli.Tests.CommandLine;

/// <summary>Every value syntax Go's flag package + urfave/cli v1 accept, as real callers send them.</summary>
public class FlagSyntaxTests
{
    [Theory]
    [InlineData("create --bundle /b ID")]
    [InlineData("create --bundle=/b ID")]
    [InlineData("create -bundle /b ID")]
    [InlineData("create -bundle=/b ID")]
    [InlineData("create -b /b ID")]
    [InlineData("create -b=/b ID")]
    [InlineData("create --b /b ID")]
    [InlineData("create ID --bundle /b")]
    [InlineData("create ID -b=/b")]
    public void StringFlagForms(string argv)
    {
        var cmd = Run(argv);
        Assert.Equal("create", cmd.CommandName);
        Assert.Equal("/b", cmd.GetString("bundle"));
        Assert.True(cmd.IsSet("bundle"));
        Assert.Equal(["ID"], cmd.Positionals);
    }

    [Theory]
    [InlineData("run --detach ID", true)]
    [InlineData("run --detach=true ID", true)]
    [InlineData("run -d ID", true)]
    [InlineData("run -d=1 ID", true)]
    [InlineData("run -detach=T ID", true)]
    [InlineData("run --detach=false ID", false)]
    [InlineData("run --detach=0 ID", false)]
    [InlineData("run ID", false)]
    [InlineData("run ID -d", true)]
    [InlineData("run --detach --detach ID", true)]
    public void BoolFlagForms(string argv, bool expected)
    {
        var cmd = Run(argv);
        Assert.Equal(expected, cmd.GetBool("detach"));
        Assert.Equal(["ID"], cmd.Positionals);
    }

    [Fact]
    public void BoolNeverConsumesTheNextArgument()
    {
        var cmd = Run("delete --force true");
        Assert.True(cmd.GetBool("force"));
        Assert.Equal(["true"], cmd.Positionals);
    }

    [Fact]
    public void RepeatedBoolsAreAccepted()
    {
        // podman can send --leave-running twice.
        var cmd = Run("checkpoint --image-path /i --work-path /b --leave-running --file-locks --leave-running ID");
        Assert.True(cmd.GetBool("leave-running"));
        Assert.Equal(2, cmd.Flags.Get("leave-running").Count);
    }

    [Fact]
    public void SingleDashLongBoolAsGoRuncSendsIt()
    {
        var cmd = Run("restore --detach --pid-file /b/init.pid -no-subreaper --bundle /b ID");
        Assert.True(cmd.GetBool("no-subreaper"));
        Assert.True(cmd.GetBool("detach"));
        Assert.Equal("/b/init.pid", cmd.GetString("pid-file"));
        Assert.Equal("/b", cmd.GetString("bundle"));
    }

    [Theory]
    [InlineData("kill --all ID 9")]
    [InlineData("kill ID 9 --all")]
    [InlineData("kill ID -a 9")]
    [InlineData("kill -a ID 9")]
    [InlineData("kill ID 9 -all=true")]
    public void FlagsMayFollowPositionals(string argv)
    {
        var cmd = Run(argv);
        Assert.True(cmd.GetBool("all"));
        Assert.Equal(["ID", "9"], cmd.Positionals);
    }

    [Fact]
    public void DoubleDashEndsFlags()
    {
        var cmd = Run("delete --force -- -odd-id");
        Assert.True(cmd.GetBool("force"));
        Assert.Equal(["-odd-id"], cmd.Positionals);
    }

    [Fact]
    public void SingleDashIsAPositional()
    {
        Assert.Equal(["-"], Run("state -").Positionals);
    }

    [Fact]
    public void NonBoolTakesNextArgumentEvenIfItLooksLikeAFlag()
    {
        // Go's flag package does this; we match it.
        var cmd = Run("create --pid-file --detach ID");
        Assert.Equal("--detach", cmd.GetString("pid-file"));
    }

    [Fact]
    public void EmptyValueWithEquals()
    {
        var cmd = Run("create --console-socket= ID");
        Assert.True(cmd.IsSet("console-socket"));
        Assert.Null(cmd.GetStringOrNull("console-socket"));
    }

    [Fact]
    public void LastStringWins()
    {
        Assert.Equal("/two", Run("create -b /one --bundle /two ID").GetString("bundle"));
    }

    [Fact]
    public void StringListsRepeat()
    {
        var cmd = Run("exec --env a=b --env=c=d -e x=y --cap CAP_KILL -c CAP_CHOWN ID sh");
        Assert.Equal(["a=b", "c=d", "x=y"], cmd.GetList("env"));
        Assert.Equal(["CAP_KILL", "CAP_CHOWN"], cmd.GetList("cap"));
        Assert.Equal(["ID", "sh"], cmd.Positionals);
    }

    [Fact]
    public void IntListRepeatsWithGoIntegerSyntax()
    {
        Assert.Equal([10L, 20L, 8L], Run("exec -g 10 --additional-gids=0x14 -g 010 ID true").GetIntList("additional-gids"));
    }

    [Theory]
    [InlineData("create --preserve-fds 3 ID", 3)]
    [InlineData("create --preserve-fds=0x10 ID", 16)]
    [InlineData("create -preserve-fds=0 ID", 0)]
    [InlineData("create ID", 0)]
    public void IntFlag(string argv, int expected)
    {
        Assert.Equal(expected, Run(argv).GetInt("preserve-fds"));
    }

    [Fact]
    public void IntDefaults()
    {
        Assert.Equal(-1, Run("checkpoint ID").GetInt("status-fd"));
    }

    [Theory]
    [InlineData("events ID", 5)]
    [InlineData("events --interval=5s ID", 5)]
    [InlineData("events --interval 1m30s ID", 90)]
    [InlineData("events --interval=1.5s ID", 1.5)]
    [InlineData("events --interval=250ms ID", 0.25)]
    [InlineData("events ID --interval=2h", 7200)]
    public void DurationFlag(string argv, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Run(argv).GetDuration("interval"));
    }

    [Fact]
    public void ExecStopsParsingAtTheContainerId()
    {
        var cmd = Run("exec --tty ID ps -ef --env X=1 -- -d");
        Assert.True(cmd.GetBool("tty"));
        Assert.Empty(cmd.GetList("env"));
        Assert.False(cmd.GetBool("detach"));
        Assert.Equal(["ID", "ps", "-ef", "--env", "X=1", "--", "-d"], cmd.Positionals);
    }

    [Fact]
    public void PsStopsParsingAtTheContainerId()
    {
        var cmd = Run("ps --format json ID -ef");
        Assert.Equal("json", cmd.GetString("format"));
        Assert.Equal(["ID", "-ef"], cmd.Positionals);
        Assert.Equal("table", Run("ps ID --format json").GetString("format"));
    }

    [Fact]
    public void DefaultsApplyWhenAbsent()
    {
        var cmd = Run("list");
        Assert.Equal("table", cmd.GetString("format"));
        Assert.False(cmd.IsSet("format"));
        Assert.False(cmd.GetBool("quiet"));
    }

    [Fact]
    public void UndeclaredFlagAccessIsAProgrammingError()
    {
        var cmd = Run("start ID");
        Assert.Throws<InvalidOperationException>(() => cmd.GetBool("force"));
        Assert.Throws<InvalidOperationException>(() => Run("create ID").GetBool("bundle"));
    }
}
