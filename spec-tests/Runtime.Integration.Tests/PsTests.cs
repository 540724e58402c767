namespace Runtime.Integration.Tests;

/// <summary>`ps`: the container's host pids as JSON, or the host's ps table cut down to them, as runc prints both.</summary>
public class PsTests : IntegrationTest
{
    /// <summary>A started container: an init shell and one `sleep 300` child.</summary>
    private (string Id, int Init, int Child) StartWithChild()
    {
        var b = R.NewBundle().Sh("sleep 300 & echo ready; wait");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForOutput(id, "ready");
        int init = R.Pid(id);
        var pids = FreezerTests.PsJson(R, id);
        Assert.Equal(2, pids.Length);
        return (id, init, pids.Single(p => p != init));
    }

    private static string Cmdline(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();

    [Fact]
    public void Json_ListsTheInitAndItsChild()
    {
        var (id, init, child) = StartWithChild();
        var r = R.Exec("ps", "--format", "json", id).Ok();
        Assert.Matches(@"^\[\d+,\d+\]\n$", r.Stdout);
        Assert.Contains(init, FreezerTests.PsJson(R, id));
        // "ready" is echoed right after the fork: the child may still be inside execve, where cmdline reads empty.
        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(5));
        while (Cmdline(child) != "sleep 300" && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Equal("sleep 300", Cmdline(child));
        // -f is --format; given before the id it is ours, not ps's.
        Assert.Equal(r.Stdout, R.Exec("ps", "-f", "json", id).Ok().Stdout);
    }

    [Fact]
    public void Table_IsTheHeaderAndTheContainersLines()
    {
        var (id, init, child) = StartWithChild();
        var lines = R.Exec("ps", id).Ok().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The default is `ps -ef`: UID PID PPID C STIME TTY TIME CMD.
        var header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("UID", header[0]);
        Assert.Equal("PID", header[1]);
        Assert.Equal(3, lines.Length);
        var listed = lines.Skip(1).Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).Order();
        Assert.Equal(new[] { init, child }.Order(), listed);
        Assert.Contains(lines, l => l.EndsWith("sleep 300", StringComparison.Ordinal));
    }

    [Fact]
    public void Table_PassesTheRestOfTheArgumentsToPs()
    {
        var (id, _, child) = StartWithChild();
        var lines = Lines(R.Exec("ps", id, "-o", "pid,args").Ok().Stdout);
        Assert.Equal("PID COMMAND", string.Join(' ', lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(3, lines.Length);
        Assert.Contains($"{child} sleep 300", lines);
        // After the id, -f belongs to ps (runc does not reorder arguments): ps -f is full format.
        var full = Lines(R.Exec("ps", id, "-f").Ok().Stdout);
        Assert.StartsWith("UID", full[0]);
    }

    [Fact]
    public void Errors_AreRuncs()
    {
        var (id, _, _) = StartWithChild();
        var r = R.Exec("ps", "--format", "yaml", id).Fails();
        Assert.Contains("invalid format option", r.Stderr + r.Log);
        r = R.Exec("ps", id, "-o", "comm").Fails();
        Assert.Contains("couldn't find PID field in ps output", r.Stderr + r.Log);
        r = R.Exec("ps", id, "--no-such-ps-option").Fails();
        Assert.Contains("exit status 1", r.Stderr + r.Log);
        Assert.Contains("container does not exist", R.Exec("ps", NewId()).Fails().Stderr);
        Assert.Equal(1, R.Exec("ps").ExitCode);
    }

    [Fact]
    public void StoppedContainer_HasNoProcesses()
    {
        var b = R.NewBundle().Args("true");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        Assert.Equal("null\n", R.Exec("ps", "--format", "json", id).Ok().Stdout);
        var lines = Lines(R.Exec("ps", id).Ok().Stdout);
        Assert.Single(lines);
        Assert.StartsWith("UID", lines[0]);
    }

    [Fact]
    public void PausedContainer_IsListed()
    {
        var (id, init, child) = StartWithChild();
        R.Exec("pause", id).Ok();
        Assert.Equal(new[] { init, child }.Order(), FreezerTests.PsJson(R, id).Order());
        Assert.Equal(3, Lines(R.Exec("ps", id).Ok().Stdout).Length);
        R.Exec("resume", id).Ok();
    }
}
