namespace Runtime.Integration.Tests;

/// <summary>
/// `pause` and `resume` through the cgroup freezer (v1 freezer.state on v1 and hybrid hosts, cgroup.freeze on a
/// pure v2 host; a private pure v2 view of a hybrid host in <see cref="FreezerV2Tests"/>), and how `state`, `list`, `start`, `exec` and `kill` see a paused container.
/// </summary>
public class FreezerTests : IntegrationTest
{
    /// <summary>A started container whose init prints 1, 2, 3... to its stdout, a line every 20 ms.</summary>
    private string StartCounter()
    {
        var b = R.NewBundle().Sh("i=0; while true; do i=$((i+1)); echo $i; sleep 0.02; done");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForOutput(id, "\n3\n");
        return id;
    }

    private string StartSleeper()
    {
        var b = R.NewBundle().Args("sleep", "300");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "running");
        return id;
    }

    private int Count(string id) => Lines(R.ReadOut(id)).Length;

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(what);
            Thread.Sleep(20);
        }
    }

    /// <summary>The container's own freezer file, from its init's /proc/pid/cgroup: v1 freezer.state (the hybrid
    /// host's runtime freezes through v1 too), or v2 cgroup.freeze on pure v2.</summary>
    internal static (string File, string Frozen, string Thawed) FreezerOf(int pid)
    {
        var dir = HostCgroups.Dir("freezer", HostCgroups.CgroupOf(pid, "freezer"));
        return HostCgroups.IsV2 ? (Path.Combine(dir, "cgroup.freeze"), "1", "0") : (Path.Combine(dir, "freezer.state"), "FROZEN", "THAWED");
    }

    /// <summary>The State: letter of /proc/pid/status (D: a v1-frozen task sleeps uninterruptibly).</summary>
    internal static string ProcState(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("State:", StringComparison.Ordinal))["State:".Length..].Trim()[..1];

    internal static int[] PsJson(Harness.Runtime r, string id)
    {
        var res = r.Exec("ps", "--format", "json", id).Ok();
        var node = JsonNode.Parse(res.Stdout);
        return node is null ? [] : node.AsArray().Select(n => (int)n!).ToArray();
    }

    [Fact]
    public void Pause_FreezesEveryProcess_AndResumeLetsThemRunAgain()
    {
        var id = StartCounter();
        int init = R.Pid(id);
        var (file, frozen, thawed) = FreezerOf(init);

        var r = R.Exec("pause", id).Ok();
        Assert.Equal("", r.Stdout);
        Assert.Equal("paused", R.Status(id));
        Assert.Equal(frozen, File.ReadAllText(file).Trim());
        var pids = PsJson(R, id);
        Assert.Contains(init, pids);
        if (file.EndsWith("freezer.state", StringComparison.Ordinal))
            foreach (var pid in pids) Assert.True(ProcState(pid) == "D", $"pid {pid} is '{ProcState(pid)}', not frozen");
        // Frozen means not one more line, however long we look.
        int atPause = Count(id);
        Thread.Sleep(300);
        Assert.Equal(atPause, Count(id));

        R.Exec("resume", id).Ok();
        Assert.Equal("running", R.Status(id));
        Assert.Equal(thawed, File.ReadAllText(file).Trim());
        WaitUntil(() => Count(id) > atPause, "the counter did not advance after resume");
        Assert.NotEqual("D", ProcState(init));
    }

    [Fact]
    public void List_ShowsPaused_InTableAndJson()
    {
        var id = StartSleeper();
        R.Exec("pause", id).Ok();
        var json = JsonNode.Parse(R.Exec("list", "--format", "json").Ok().Stdout)!.AsArray();
        Assert.Equal("paused", (string?)json.Single(c => (string?)c!["id"] == id)!["status"]);
        var row = Lines(R.Exec("list").Ok().Stdout).Single(l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.Equal("paused", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
        R.Exec("resume", id).Ok();
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void PauseTwice_FailsNotRunning_ResumeWhenNotPaused_FailsNotPaused()
    {
        var id = StartSleeper();
        var r = R.Exec("resume", id).Fails();
        Assert.Contains("container not paused", r.Stderr + r.Log);
        Assert.Equal("running", R.Status(id));

        R.Exec("pause", id).Ok();
        r = R.Exec("pause", id).Fails();
        Assert.Contains("container not running", r.Stderr + r.Log);
        Assert.Equal("paused", R.Status(id));

        R.Exec("resume", id).Ok();
        r = R.Exec("resume", id).Fails();
        Assert.Contains("container not paused", r.Stderr + r.Log);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void PauseAndResume_OfStoppedAndMissingContainers_Fail()
    {
        var b = R.NewBundle().Args("true");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        Assert.Contains("container not running", R.Exec("pause", id).Fails().Stderr);
        Assert.Contains("container not paused", R.Exec("resume", id).Fails().Stderr);
        Assert.Equal("stopped", R.Status(id));

        var missing = NewId();
        Assert.Contains("container does not exist", R.Exec("pause", missing).Fails().Stderr);
        Assert.Contains("container does not exist", R.Exec("resume", missing).Fails().Stderr);
        // Exactly one argument, as runc's checkArgs wants.
        Assert.Equal(1, R.Exec("pause").ExitCode);
        Assert.Equal(1, R.Exec("resume", id, "extra").ExitCode);
    }

    [Fact]
    public void Pause_OfCreatedContainer_IsPaused_ResumeReturnsToCreated_ThenStartRuns()
    {
        var b = R.NewBundle().Sh("echo started");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Exec("pause", id).Ok();
        Assert.Equal("paused", R.Status(id));
        var r = R.Start(id).Fails();
        Assert.Contains("cannot start a container in the paused state", r.Stderr + r.Log);
        R.Exec("resume", id).Ok();
        Assert.Equal("created", R.Status(id));
        R.Start(id).Ok();
        R.WaitForOutput(id, "started");
        R.WaitForStatus(id, "stopped");
    }

    [Fact]
    public void Exec_IntoPausedContainer_IsRefused_UntilResumed()
    {
        var id = StartSleeper();
        R.Exec("pause", id).Ok();
        var r = R.Exec("exec", id, "echo", "nope");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("cannot exec in a paused container", r.Stderr + r.Log);
        Assert.DoesNotContain("nope", r.Stdout);
        R.Exec("resume", id).Ok();
        Assert.Equal("yes\n", R.Exec("exec", id, "echo", "yes").Ok().Stdout);
    }

    [Fact]
    public void Kill_OfPausedContainer_TermWaitsForResume_KillGoesThrough()
    {
        var b = R.NewBundle().Sh("trap 'echo got-term; exit 3' TERM; echo ready; while true; do sleep 0.05; done");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForOutput(id, "ready");
        R.Exec("pause", id).Ok();
        // The signal is queued: a frozen process cannot run its handler, so the container stays paused...
        R.Kill(id, "TERM").Ok();
        Thread.Sleep(200);
        Assert.Equal("paused", R.Status(id));
        Assert.DoesNotContain("got-term", R.ReadOut(id));
        // ...and handles it once resumed.
        R.Exec("resume", id).Ok();
        R.WaitForOutput(id, "got-term");
        R.WaitForStatus(id, "stopped");

        // SIGKILL to a paused init goes through: the runtime thaws the cgroup so it can die.
        var id2 = StartSleeper();
        R.Exec("pause", id2).Ok();
        R.Kill(id2, "KILL").Ok();
        R.WaitForStatus(id2, "stopped");
    }
}
