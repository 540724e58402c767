namespace Runtime.Integration.Tests;

/// <summary>
/// OCI hooks: each phase runs at its point with the state JSON on stdin; create-phase failures fail create and
/// leave nothing behind; poststart/poststop failures do not fail the command.
/// </summary>
public class HooksTests : IntegrationTest
{
    /// <summary>A hook that appends "&lt;phase&gt; &lt;status&gt; &lt;pid-field&gt;" to a host file, read from its stdin.</summary>
    private static JsonObject Recorder(string log, string phase) => new()
    {
        ["path"] = "/bin/sh",
        ["args"] = Json.Arr("sh", "-c",
            $"state=$(cat); s=$(echo \"$state\" | sed -n 's/.*\"status\":\"\\([a-z]*\\)\".*/\\1/p'); echo \"{phase} $s\" >> {log}"),
    };

    [Fact]
    public void EveryPhase_RunsInOrder_WithTheStateOnStdin()
    {
        string log = Path.Combine(R.TempDir, "hooks.log");
        var b = R.NewBundle().Sh("true");
        var hooks = new JsonObject();
        foreach (var phase in new[] { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" })
            hooks[phase] = new JsonArray(Recorder(log, phase));
        // startContainer and createContainer run in the container's namespaces: /bin/sh and the log path must exist there too.
        hooks["createContainer"] = new JsonArray(new JsonObject { ["path"] = "/bin/true" });
        hooks["startContainer"] = new JsonArray(new JsonObject { ["path"] = "/bin/true" });
        b.Config["hooks"] = hooks;

        var id = NewId();
        R.Create(b, id).Ok();
        Assert.Equal(new[] { "prestart created", "createRuntime creating" }, Lines(File.ReadAllText(log)));
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        R.Delete(id).Ok();
        var lines = Lines(File.ReadAllText(log));
        Assert.Equal(new[] { "prestart created", "createRuntime creating", "poststart running", "poststop stopped" }, lines);
    }

    [Fact]
    public void FailingCreateRuntimeHook_FailsCreate_AndLeavesNothing()
    {
        var b = R.NewBundle().Sh("true");
        b.Config["hooks"] = new JsonObject
        {
            ["createRuntime"] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = Json.Arr("sh", "-c", "echo boom >&2; exit 3") }),
        };
        var id = NewId();
        var r = R.Create(b, id);
        r.Fails();
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
        Env.RunsharpOnly(() => Assert.Contains("createRuntime", r.Stderr));
        Env.RunsharpOnly(() => Assert.Contains("boom", r.Stderr));
    }

    [Fact]
    public void HookTimeout_IsEnforced()
    {
        var b = R.NewBundle().Sh("true");
        b.Config["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(new JsonObject { ["path"] = "/bin/sleep", ["args"] = Json.Arr("sleep", "30"), ["timeout"] = 1 }),
        };
        var started = DateTime.UtcNow;
        var r = R.Create(b, NewId());
        r.Fails();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the hook's timeout must stop it");
        Env.RunsharpOnly(() => Assert.Contains("timeout", r.Stderr));
    }

    [Fact]
    public void FailingPoststopHook_DoesNotFailDelete()
    {
        var b = R.NewBundle().Sh("true");
        b.Config["hooks"] = new JsonObject
        {
            ["poststop"] = new JsonArray(new JsonObject { ["path"] = "/bin/false" }),
        };
        var id = NewId();
        R.Create(b, id).Ok();
        R.Delete(id).Ok();
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }
}
