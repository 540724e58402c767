using Runsharp.Cli.CommandLine;
using Runsharp.Cli.Logging;
using static Runsharp.Cli.Tests.CommandLine.ParseHelpers;

namespace Runsharp.Cli.Tests.CommandLine;

public class GlobalFlagTests
{
    [Fact]
    public void ShimGlobals()
    {
        var cmd = Run("--root /run/containerd/runc/k8s.io --log /b/log.json --log-format json --systemd-cgroup create --bundle /b --pid-file /b/init.pid ID");
        var g = cmd.Globals;
        Assert.Equal("/run/containerd/runc/k8s.io", g.Root);
        Assert.True(g.RootIsSet);
        Assert.Equal("/b/log.json", g.LogPath);
        Assert.Equal(LogFormat.Json, g.LogFormat);
        Assert.True(g.SystemdCgroup);
        Assert.False(g.Debug);
    }

    [Theory]
    [InlineData("--log /l.json --log-format json --no-such-global state ID")]
    [InlineData("--log /l.json --log-format json --rootless maybe state ID")]
    public void UsageErrors_KeepTheLogGlobalsReadSoFar(string commandLine)
    {
        // The error is then written where the caller asked, as JSON (a shim reads the last JSON line of --log).
        var g = Error(commandLine).Globals;
        Assert.Equal("/l.json", g.LogPath);
        Assert.Equal(LogFormat.Json, g.LogFormat);
        Assert.True(g.LogFormatIsSet);
    }

    [Fact]
    public void ConmonGlobals()
    {
        var g = Run("--log-format=json --log /r/oci-log create --bundle /b ID").Globals;
        Assert.Equal(LogFormat.Json, g.LogFormat);
        Assert.True(g.LogFormatIsSet);
        Assert.Equal("/r/oci-log", g.LogPath);
    }

    [Fact]
    public void Defaults()
    {
        var g = Run("state ID").Globals;
        Assert.Equal("/run/runsharp", g.Root);
        Assert.False(g.RootIsSet);
        Assert.Null(g.LogPath);
        Assert.Equal(LogFormat.Text, g.LogFormat);
        Assert.Equal("auto", g.Rootless);
        Assert.Null(g.RootlessMode);
        Assert.Equal("criu", g.Criu);
    }

    [Theory]
    [InlineData("--rootless=true", true)]
    [InlineData("--rootless true", true)]
    [InlineData("--rootless=false", false)]
    [InlineData("-rootless=1", true)]
    [InlineData("--rootless=auto", null)]
    [InlineData("--rootless=AUTO", null)]
    public void Rootless(string flag, bool? expected)
    {
        var g = Run(flag + " state ID").Globals;
        Assert.Equal(expected, g.RootlessMode);
        Assert.True(g.RootlessIsSet);
    }

    [Fact]
    public void RelativeRootIsMadeAbsolute()
    {
        var g = Run("--root rel/dir state ID").Globals;
        Assert.Equal(Path.GetFullPath("rel/dir"), g.Root);
    }

    [Fact]
    public void DebugAndCriuAccepted()
    {
        var g = Run("--debug --criu /usr/sbin/criu -systemd-cgroup=false list").Globals;
        Assert.True(g.Debug);
        Assert.Equal("/usr/sbin/criu", g.Criu);
        Assert.False(g.SystemdCgroup);
    }

    [Fact]
    public void GlobalFlagsAfterTheCommandAreNotGlobal()
    {
        var result = Error("create --root /x ID");
        Assert.Equal("flag provided but not defined: -root", result.ErrorMessage);
    }

    [Fact]
    public void DoubleDashBeforeCommand()
    {
        Assert.Equal("start", Run("--debug -- start ID").CommandName);
    }
}
