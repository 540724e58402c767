namespace Runtime.Integration.Tests;

/// <summary>`kill --all` and `delete` through the container's cgroup: every process is reached, a paused one
/// included, and delete leaves neither a process nor a cgroup behind.</summary>
public class CgroupKillTests : IntegrationTest
{
    /// <summary>A started container; with sharePidNs its processes live in the host's pid namespace, so only the
    /// cgroup knows them all (the init's death does not take them along).</summary>
    private (string Id, int[] Pids) Start(string script, bool sharePidNs = false)
    {
        var b = R.NewBundle().Sh(script);
        var id = NewId();
        b.Linux["cgroupsPath"] = "/rsit-" + id;
        if (sharePidNs) b.RemoveNamespace("pid");
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForOutput(id, "ready");
        return (id, FreezerTests.PsJson(R, id));
    }

    private static void AssertAllGone(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            Host.WaitForExit(pid, TimeSpan.FromSeconds(5));
            Assert.False(Host.ProcessAlive(pid), $"pid {pid} is still alive");
        }
    }

    private static void AssertNoCgroup(string id)
    {
        Assert.Empty(HostCgroups.Remaining("rsit-" + id));
    }

    [Fact]
    public void KillAll_ReachesABackgroundChild_ThatSignallingTheInitDoesNot()
    {
        // The container's pid 1 has no TERM handler, so TERM sent to it alone is dropped by the kernel.
        var (id, pids) = Start("sleep 300 & echo ready; wait; echo child-gone; sleep 300");
        int init = R.Pid(id);
        int child = pids.Single(p => p != init);
        R.Kill(id, "TERM").Ok();
        Thread.Sleep(200);
        Assert.True(Host.ProcessAlive(child), "TERM to the init reached its child");

        R.Exec("kill", "--all", id, "TERM").Ok();
        R.WaitForOutput(id, "child-gone");
        AssertAllGone([child]);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void KillAll_Kill_InTheHostPidNamespace_KillsEveryProcess()
    {
        var (id, pids) = Start("sleep 300 & sleep 300 & echo ready; wait", sharePidNs: true);
        Assert.Equal(3, pids.Length);
        R.Exec("kill", "--all", id, "KILL").Ok();
        AssertAllGone(pids);
        R.WaitForStatus(id, "stopped");
        Assert.Equal("null\n", R.Exec("ps", "--format", "json", id).Ok().Stdout);
    }

    [Fact]
    public void KillAll_OfAStoppedContainer_Succeeds_KillOfTheInitDoesNot()
    {
        var b = R.NewBundle().Args("true");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        R.Exec("kill", "--all", id, "KILL").Ok();
        R.Exec("kill", "--all", id, "TERM").Ok();
        Assert.Contains("container not running", R.Kill(id, "TERM").Fails().Stderr);
    }

    [Fact]
    public void KillAll_OfAPausedContainer_IsDeliveredOnResume()
    {
        var (id, _) = Start("trap 'echo got-term; exit 3' TERM; echo ready; while true; do sleep 0.05; done");
        R.Exec("pause", id).Ok();
        R.Exec("kill", "--all", id, "TERM").Ok();
        // runc 1.1.5 thaws the cgroup after signalling, whatever the signal; runsharp leaves a paused container
        // paused (as `kill` without --all does) and the signal waits for resume.
        Env.RunsharpOnly(() =>
        {
            Thread.Sleep(200);
            Assert.Equal("paused", R.Status(id));
            Assert.DoesNotContain("got-term", R.ReadOut(id));
            R.Exec("resume", id).Ok();
        });
        R.WaitForOutput(id, "got-term");
        R.WaitForStatus(id, "stopped");
    }

    [Fact]
    public void DeleteForce_OfAPausedContainer_LeavesNoProcessAndNoCgroup()
    {
        var (id, pids) = Start("sleep 300 & sleep 300 & echo ready; wait", sharePidNs: true);
        Assert.Equal(3, pids.Length);
        R.Exec("pause", id).Ok();
        var r = R.Delete(id).Fails();
        Assert.Contains($"cannot delete container {id} that is not stopped: paused", r.Stderr + r.Log);

        R.Delete(id, force: true).Ok();
        AssertAllGone(pids);
        AssertNoCgroup(id);
        Assert.Contains("container does not exist", R.StateRaw(id).Fails().Stderr);
    }

    [Fact]
    public void DeleteForce_OfARunningContainer_KillsItsWholeCgroup()
    {
        var (id, pids) = Start("sleep 300 & sleep 300 & echo ready; wait", sharePidNs: true);
        R.Delete(id, force: true).Ok();
        AssertAllGone(pids);
        AssertNoCgroup(id);
    }

    [Fact]
    public void Delete_OfAStoppedContainer_KillsWhatItsInitLeftInTheCgroup()
    {
        // The init exits at once; its child, in the host's pid namespace, lives on in the container's cgroup.
        var (id, pids) = Start("sleep 300 & echo ready", sharePidNs: true);
        R.WaitForStatus(id, "stopped");
        var left = FreezerTests.PsJson(R, id);
        Assert.Single(left);
        Assert.Contains(left[0], pids);
        R.Delete(id).Ok();
        AssertAllGone(left);
        AssertNoCgroup(id);
    }
}
