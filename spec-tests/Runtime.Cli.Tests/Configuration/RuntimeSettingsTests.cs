using Runsharp.Cli.CommandLine;
using Runsharp.Cli.Configuration;
using Runsharp.Cli.Logging;

namespace Runsharp.Cli.Tests.Configuration;

public class RuntimeSettingsTests
{
    private static readonly HostIdentity RealRoot = new(IsRoot: true, InUserNamespace: false, XdgRuntimeDir: "/run/user/0", User: "root");

    private static GlobalOptions Globals(string argv)
    {
        var result = CommandLineParser.ParseArgs((argv + " list").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ParseOutcome.Run, result.Outcome);
        return result.Globals;
    }

    private static readonly RuntimeConfig FullConfig = new()
    {
        Root = "/var/run/cfg",
        LogLevel = "warning",
        LogFormat = "json",
        CgroupDriver = "systemd",
        DefaultCgroupParent = "/machine",
        Rootless = "true",
    };

    [Fact]
    public void BuiltInDefaults()
    {
        var s = RuntimeSettings.Resolve(Globals(""), RuntimeConfig.Empty, RealRoot);
        Assert.Equal("/run/runsharp", s.Root);
        Assert.Equal(LogFormat.Text, s.Log.Format);
        Assert.Equal(LogLevel.Info, s.Log.StderrLevel);
        Assert.False(s.Debug);
        Assert.Null(s.Log.Path);
        Assert.Equal("cgroupfs", s.CgroupDriver);
        Assert.False(s.UseSystemdCgroup);
        Assert.Equal("", s.DefaultCgroupParent); // runc: the id relative to our own cgroup
        Assert.Null(s.Rootless);
    }

    [Fact]
    public void ConfigOverridesBuiltIns()
    {
        var s = RuntimeSettings.Resolve(Globals(""), FullConfig, RealRoot);
        Assert.Equal("/var/run/cfg", s.Root);
        Assert.Equal(LogFormat.Json, s.Log.Format);
        Assert.Equal(LogLevel.Warning, s.Log.StderrLevel);
        Assert.Equal("systemd", s.CgroupDriver);
        Assert.Equal("/machine", s.DefaultCgroupParent);
        Assert.True(s.Rootless);
    }

    [Fact]
    public void FlagsOverrideConfig()
    {
        var config = FullConfig with { CgroupDriver = "cgroupfs" };
        var s = RuntimeSettings.Resolve(Globals("--root /flag --log-format text --rootless false --systemd-cgroup --log /l.json"), config, RealRoot);
        Assert.Equal("/flag", s.Root);
        Assert.Equal(LogFormat.Text, s.Log.Format);
        Assert.False(s.Rootless);
        Assert.True(s.UseSystemdCgroup);
        Assert.Equal("/l.json", s.Log.Path);
    }

    [Fact]
    public void DebugFlagOrDebugLevelEnablesDebug()
    {
        Assert.True(RuntimeSettings.Resolve(Globals("--debug"), RuntimeConfig.Empty, RealRoot).Debug);
        Assert.True(RuntimeSettings.Resolve(Globals(""), new RuntimeConfig { LogLevel = "debug" }, RealRoot).Debug);
        Assert.False(RuntimeSettings.Resolve(Globals(""), new RuntimeConfig { LogLevel = "error" }, RealRoot).Debug);
    }

    [Fact]
    public void RootlessUserGetsXdgRuntimeDirUnlessRootIsGiven()
    {
        var user = new HostIdentity(IsRoot: false, InUserNamespace: false, XdgRuntimeDir: "/run/user/1000", User: "alice");
        Assert.Equal("/run/user/1000/runsharp", RuntimeSettings.Resolve(Globals(""), FullConfig, user).Root);
        Assert.Equal("/mine", RuntimeSettings.Resolve(Globals("--root /mine"), FullConfig, user).Root);
    }

    [Theory]
    [InlineData(true, false, "/run/user/0", "root", false)]
    [InlineData(false, false, "/run/user/1000", "alice", true)]
    [InlineData(false, false, null, "alice", false)]
    [InlineData(true, true, "/run/user/1000", "alice", true)]
    [InlineData(true, true, "/run/user/1000", "root", false)]
    [InlineData(true, true, "/run/user/1000", null, true)]
    public void XdgRuleFollowsRunc(bool isRoot, bool inUserNs, string? xdg, string? user, bool expected)
    {
        Assert.Equal(expected, new HostIdentity(isRoot, inUserNs, xdg, user).ShouldUseXdgRuntimeDir);
    }

    [Fact]
    public void CurrentHostIdentityIsReadable()
    {
        var host = HostIdentity.Current();
        Assert.Equal(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"), host.XdgRuntimeDir);
    }
}
