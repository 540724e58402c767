using System.Text.RegularExpressions;

namespace Runtime.Integration.Tests;

/// <summary>
/// Invalid bundles and arguments: exit 1, an error on stderr that names the offending field, one JSON error
/// line in the --log file, and nothing left behind (checked here and again by the harness's Dispose).
/// runc's messages often do not name the field the way we require; those checks are runsharp-only.
/// </summary>
public class BadInputTests : IntegrationTest
{
    /// <summary>Runs create (and run) against the bundle and checks the common failure contract.</summary>
    private Result FailsCleanly(Bundle b, string? id = null, string command = "create")
    {
        id ??= NewId();
        var r = command == "create" ? R.Create(b, id) : R.Run(b, id);
        r.Fails();
        Assert.False(string.IsNullOrWhiteSpace(r.Stderr), $"an error must be printed on stderr:\n{r}");

        var lines = Lines(r.Log);
        Assert.True(lines.Length > 0, $"an error must be written to the --log file:\n{r}");
        var parsed = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        foreach (var o in parsed)
        {
            Assert.Matches(Env.Rfc3339, (string?)o["time"] ?? "");
            Assert.False(string.IsNullOrEmpty((string?)o["level"]));
        }
        var err = parsed.LastOrDefault(o => (string?)o["level"] == "error");
        Assert.True(err != null, $"no level=error line in the log:\n{r.Log}");
        Assert.False(string.IsNullOrWhiteSpace((string?)err!["msg"]));
        // podman parses the whole log file as one JSON object: without --debug there must be only the error.
        Env.RunsharpOnly(() => Assert.Single(lines));

        if (!id.Contains('/') && id != "..")
            Assert.False(Directory.Exists(Path.Combine(R.Root, id)), "a failed create must not leave a state dir");
        Assert.Equal("", R.Exec("list", "-q").Ok().Stdout.Trim());
        return r;
    }

    [Fact]
    public void MissingConfigJson()
    {
        var b = R.NewBundle();
        b.WriteConfig = false;
        var r = FailsCleanly(b);
        Assert.Contains("config.json", r.Stderr);
    }

    [Fact]
    public void BundleDirDoesNotExist()
    {
        var id = NewId();
        var r = R.Exec("create", "--bundle", R.TempPath("no-such-bundle"), id).Fails();
        Assert.Contains("no-such-bundle", r.Stderr + r.Log);
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    [Fact]
    public void InvalidJson()
    {
        var b = R.NewBundle();
        b.WriteConfig = false;
        File.WriteAllText(Path.Combine(b.Dir, "config.json"), "{\"ociVersion\": \"1.0.2\", bad");
        var r = FailsCleanly(b);
        // runc: "invalid character 'b' looking for beginning of object key string" (no file name).
        Env.RunsharpOnly(() => Assert.Contains("config.json", r.Stderr));
    }

    [Fact]
    public void WrongType_UidIsString()
    {
        var b = R.NewBundle();
        b.Process["user"]!["uid"] = "x";
        var r = FailsCleanly(b);
        Assert.Contains("process.user.uid", r.Stderr); // runc: "...Go struct field User.process.user.uid of type uint32"
    }

    [Fact]
    public void WrongType_TerminalIsString()
    {
        var b = R.NewBundle();
        b.Process["terminal"] = "yes";
        var r = FailsCleanly(b);
        Assert.Contains("process.terminal", r.Stderr);
    }

    [Fact]
    public void UnknownNamespaceType()
    {
        var b = R.NewBundle();
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "bogusns" });
        var r = FailsCleanly(b);
        Assert.Contains("bogusns", r.Stderr); // runc: namespace {"bogusns" ""} does not exist
        Env.RunsharpOnly(() => Assert.Contains("linux.namespaces", r.Stderr));
    }

    [Fact]
    public void RelativeCwd()
    {
        var b = R.NewBundle();
        b.Process["cwd"] = "tmp";
        var r = FailsCleanly(b);
        Assert.Contains("cwd", r.Stderr, StringComparison.OrdinalIgnoreCase); // runc: "Cwd must be an absolute path"
        Env.RunsharpOnly(() => Assert.Contains("process.cwd", r.Stderr));
    }

    [Fact]
    public void EmptyArgs()
    {
        var b = R.NewBundle();
        b.Process["args"] = new JsonArray();
        var r = FailsCleanly(b);
        Assert.Contains("args", r.Stderr); // runc: "args must not be empty"
        Env.RunsharpOnly(() => Assert.Contains("process.args", r.Stderr));
    }

    [Fact]
    public void RootfsDoesNotExist()
    {
        var b = R.NewBundle();
        b.Config["root"]!["path"] = R.TempPath("no-such-rootfs");
        var r = FailsCleanly(b);
        Assert.Contains("no-such-rootfs", r.Stderr);
        Env.RunsharpOnly(() => Assert.Contains("root.path", r.Stderr));
    }

    [Fact]
    public void UnknownRlimitType()
    {
        var b = R.NewBundle();
        b.Process["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_BOGUS", ["soft"] = 1, ["hard"] = 1 });
        var r = FailsCleanly(b);
        Assert.Contains("RLIMIT_BOGUS", r.Stderr); // runc: "wrong rlimit value: RLIMIT_BOGUS"
        Env.RunsharpOnly(() => Assert.Contains("process.rlimits", r.Stderr));
    }

    [Fact]
    public void HostnameWithoutUtsNamespace()
    {
        var b = R.NewBundle();
        b.RemoveNamespace("uts");
        var r = FailsCleanly(b);
        Assert.Contains("hostname", r.Stderr); // runc: "unable to set hostname without a private UTS namespace"
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("x y")]
    public void InvalidContainerId(string id)
    {
        var b = R.NewBundle().Args("true");
        var r = FailsCleanly(b, id);
        Assert.Matches(new Regex(@"\bid\b", RegexOptions.IgnoreCase), r.Stderr); // runc: "invalid container ID format"
        Assert.False(Directory.Exists(Path.Combine(R.TempDir, "escape")));
        Assert.False(File.Exists(Path.Combine(R.TempDir, "state.json")));
    }

    [Fact]
    public void InvalidContainerId_OnRun()
    {
        var b = R.NewBundle().Args("true");
        var r = FailsCleanly(b, "bad/id", command: "run");
        Assert.Matches(new Regex(@"\bid\b", RegexOptions.IgnoreCase), r.Stderr);
    }

    [Fact]
    public void MountWithUnknownType_FailsAndLeavesNothing()
    {
        var b = R.NewBundle(privateRootfs: true).Args("true");
        b.AddMount("/data", "nosuchfs", "none");
        var r = FailsCleanly(b);
        Assert.Contains("/data", r.Stderr);
        Assert.Empty(Mounts.Under(b.RootfsPath));
    }

    [Fact]
    public void BindMountSourceMissing()
    {
        var b = R.NewBundle().Args("true");
        b.AddMount("/data", "bind", R.TempPath("no-such-source"), "bind");
        var r = FailsCleanly(b);
        Assert.Contains("no-such-source", r.Stderr);
    }

    [Fact]
    public void NoArgumentsToCreate_Fails()
    {
        var r = R.Exec("create").Fails();
        Assert.False(string.IsNullOrWhiteSpace(r.Stderr));
    }

    [Fact]
    public void UnknownCommand_Fails()
    {
        var r = R.Exec("frobnicate");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("frobnicate", r.Stderr + r.Stdout);
    }

    [Fact]
    public void UnknownFlag_Fails()
    {
        var r = R.Exec("state", "--no-such-flag", NewId());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no-such-flag", r.Stderr + r.Stdout);
    }
}

/// <summary>LSM settings on a host without that LSM fail create clearly (this CI host has neither AppArmor nor SELinux).</summary>
public class LsmTests : IntegrationTest
{
    [Theory]
    [InlineData("apparmorProfile", "runsharp-test-profile", "/sys/module/apparmor/parameters/enabled")]
    [InlineData("selinuxLabel", "system_u:system_r:container_t:s0", "/sys/fs/selinux/enforce")]
    public void LsmSetting_WithoutTheLsm_FailsClearly(string field, string value, string marker)
    {
        if (File.Exists(marker)) return; // the host has this LSM: nothing to refuse here
        var b = R.NewBundle().Sh("true");
        b.Process[field] = value;
        var id = NewId();
        var r = R.Create(b, id);
        Env.RunsharpOnly(() =>
        {
            r.Fails();
            Assert.Contains($"process.{field}", r.Stderr);
            Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
        });
    }
}
