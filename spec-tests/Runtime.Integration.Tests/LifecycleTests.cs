using System.Globalization;

namespace Runtime.Integration.Tests;

/// <summary>create/start/state/kill/delete/run/list/spec and the pid file.</summary>
public class LifecycleTests : IntegrationTest
{
    [Fact]
    public void CreateStartStop_StatusTransitions_AndStateFields()
    {
        var b = R.NewBundle();
        b.Config["annotations"] = new JsonObject { ["org.runsharp.test"] = "yes" };
        // It runs until told to stop (exec touches /dev/shm/stop), however long the checks of its running state take.
        b.Sh("read line < /proc/self/fd/0 2>/dev/null; echo started-$$; while [ ! -e /dev/shm/stop ]; do sleep 0.05; done");
        var id = NewId();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        R.Create(b, id).Ok();

        var s = R.State(id);
        Assert.Equal("created", (string?)s["status"]);
        Assert.Equal(id, (string?)s["id"]);
        var ociVersion = (string?)s["ociVersion"];
        Assert.False(string.IsNullOrEmpty(ociVersion));
        Assert.StartsWith("1.", ociVersion);
        var pid = (int)s["pid"]!;
        Assert.True(pid > 0, "pid of a created container must be > 0");
        Assert.True(Host.ProcessAlive(pid), $"init process {pid} of a created container must be alive");
        Assert.Equal(b.Dir, (string?)s["bundle"]);
        Assert.True(Path.IsPathRooted((string)s["bundle"]!));
        Assert.Equal(b.RootfsPath, (string?)s["rootfs"]);
        var created = (string)s["created"]!;
        Assert.Matches(Env.Rfc3339, created);
        var createdAt = DateTimeOffset.Parse(created, CultureInfo.InvariantCulture);
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.NotNull(s["owner"]); // runc prints "" for owner in state
        Assert.Equal("yes", (string?)s["annotations"]?["org.runsharp.test"]);
        Assert.DoesNotContain("started-", R.ReadOut(id)); // the user process must not run before start

        R.Start(id).Ok();
        Assert.Contains("started-1", R.WaitForOutput(id, "started-"));
        var running = R.State(id);
        Assert.Equal(pid, (int)running["pid"]!);
        Assert.Equal("running", (string?)running["status"]);
        Assert.Equal(created, (string?)running["created"]);

        R.Exec("exec", id, "touch", "/dev/shm/stop").Ok();
        R.WaitForStatus(id, "stopped");
        var stopped = R.State(id);
        // runc 1.1.5 reports pid 0 once the container has stopped; absent is equally acceptable.
        Assert.True(stopped["pid"] == null || (int)stopped["pid"]! == 0, $"pid of a stopped container must be 0 or absent: {stopped}");
        Assert.False(Host.ProcessAlive(pid));

        R.Delete(id).Ok();
        Assert.Contains("does not exist", R.StateRaw(id).Fails().Stderr);
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    [Fact]
    public void Start_OfRunningContainer_Fails()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "running");
        R.Start(id).Fails();
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void Run_ReturnsContainerExitCode_AndOutput()
    {
        var b = R.NewBundle().Sh("echo out-line; echo err-line >&2; exit 7");
        var id = NewId();
        var r = R.Run(b, id);
        Assert.Equal(7, r.ExitCode);
        Assert.Equal("out-line\n", r.Stdout);
        Assert.Contains("err-line", r.Stderr);
        // Foreground run (without --keep) deletes the container once it has exited.
        Assert.Contains("does not exist", R.StateRaw(id).Fails().Stderr);
    }

    [Fact]
    public void Run_ZeroExit()
    {
        var b = R.NewBundle().Args("true");
        var id = NewId();
        Assert.Equal(0, R.Run(b, id).ExitCode);
        R.StateRaw(id).Fails();
    }

    [Fact]
    public async Task Run_KilledBySignal_Returns128PlusSignal()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        var run = Task.Run(() => R.Run(b, id));
        R.WaitForStatus(id, "running");
        R.Kill(id, "KILL").Ok();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(128 + 9, result.ExitCode);
    }

    [Fact]
    public void Run_CommandNotFound_Exits1()
    {
        var b = R.NewBundle().Args("/no/such/binary");
        var id = NewId();
        var r = R.Run(b, id).Fails();
        Assert.Contains("no such file or directory", r.Stderr, StringComparison.OrdinalIgnoreCase);
        R.Delete(id, force: true);
    }

    [Fact]
    public void Run_CommandNotInPath_SaysExecutableNotFound()
    {
        var b = R.NewBundle().Args("nosuchcmd");
        var id = NewId();
        var r = R.Run(b, id).Fails();
        Assert.Contains("executable file not found", r.Stderr);
        Assert.Contains("nosuchcmd", r.Stderr);
        R.Delete(id, force: true);
    }

    public static IEnumerable<object[]> SignalForms => new[]
    {
        new object[] { "15", "TERM" }, new object[] { "TERM", "TERM" }, new object[] { "SIGTERM", "TERM" },
        new object[] { "10", "USR1" }, new object[] { "USR1", "USR1" }, new object[] { "SIGUSR1", "USR1" },
    };

    [Theory]
    [MemberData(nameof(SignalForms))]
    public void Kill_SignalByNumberNameAndSigName_IsDelivered(string signal, string trapped)
    {
        // pid 1 ignores signals it has no handler for, so the shell traps the signal and reports it.
        var b = R.NewBundle().Sh($"trap 'echo got-{trapped}; exit 3' {trapped}; echo ready; while true; do sleep 0.05; done");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForOutput(id, "ready");
        R.Kill(id, signal).Ok();
        R.WaitForStatus(id, "stopped");
        Assert.Contains($"got-{trapped}", R.ReadOut(id));
    }

    [Fact]
    public void Kill_DefaultSignalIsTerm()
    {
        var b = R.NewBundle().Sh("trap 'echo got-TERM; exit 3' TERM; echo ready; while true; do sleep 0.05; done");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForOutput(id, "ready");
        R.Kill(id).Ok();
        R.WaitForStatus(id, "stopped");
        Assert.Contains("got-TERM", R.ReadOut(id));
    }

    [Theory]
    [InlineData("9")]
    [InlineData("KILL")]
    [InlineData("SIGKILL")]
    public void Kill_Sigkill_StopsContainer(string signal)
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        var pid = R.Pid(id);
        R.Kill(id, signal).Ok();
        R.WaitForStatus(id, "stopped");
        Assert.False(Host.ProcessAlive(pid));
    }

    [Fact]
    public void Kill_InvalidSignal_Fails()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.Kill(id, "NOTASIGNAL").Fails();
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void Kill_StoppedContainer_FailsWithContainerNotRunning()
    {
        var b = R.NewBundle().Args("true");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        var r = R.Kill(id, "KILL").Fails();
        Assert.Contains("container not running", r.Stderr);
        R.Delete(id).Ok();
    }

    [Fact]
    public void Delete_RunningWithoutForce_Fails_ForceKillsAndRemoves()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        var pid = R.Pid(id);
        var r = R.Delete(id).Fails();
        Assert.Contains($"cannot delete container {id} that is not stopped", r.Stderr);
        Assert.Equal("running", R.Status(id));
        Assert.True(Host.ProcessAlive(pid));

        R.Delete(id, force: true).Ok();
        Assert.False(Host.ProcessAlive(pid), "delete --force must kill the container's process");
        Assert.Contains("does not exist", R.StateRaw(id).Fails().Stderr);
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    [Fact]
    [Trait("spec", "runc-compat")] // deliberately follows runc rather than the OCI spec's wording; passes with runc
    public void Delete_CreatedContainerWithoutForce_Succeeds()
    {
        // The OCI spec says deleting a container that is not stopped must fail, but runc 1.1.5 deletes a
        // "created" container without --force (it kills the waiting init), and containerd's shim relies on that
        // when a task is deleted without ever being started. runsharp follows runc here (drop-in contract).
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        var pid = R.Pid(id);
        R.Delete(id).Ok();
        Host.WaitForExit(pid, TimeSpan.FromSeconds(3));
        Assert.False(Host.ProcessAlive(pid));
        R.StateRaw(id).Fails();
    }

    [Fact]
    public void DeleteForce_CreatedContainer_KillsInit()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        var pid = R.Pid(id);
        R.Delete(id, force: true).Ok();
        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(3));
        while (Host.ProcessAlive(pid) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.False(Host.ProcessAlive(pid));
        R.StateRaw(id).Fails();
    }

    [Fact]
    public void UnknownId_StateDeleteKillStart_SayDoesNotExist()
    {
        var id = NewId();
        foreach (var r in new[] { R.StateRaw(id), R.Delete(id), R.Kill(id, "KILL"), R.Start(id) })
        {
            r.Fails();
            Assert.Contains("container does not exist", r.Stderr);
        }
    }

    [Fact]
    public void DeleteForce_UnknownId_Succeeds()
    {
        // Callers (containerd shim cleanup, podman) run delete --force on ids that may be gone.
        R.Delete(NewId(), force: true).Ok();
    }

    [Fact]
    public void Create_DuplicateId_Fails_AndKeepsTheFirst()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        var pid = R.Pid(id);
        var r = R.Create(R.NewBundle().Args("true"), id, new ExecOptions { StdoutFile = R.TempPath("dup.out") }).Fails();
        Assert.Contains("container with given ID already exists", r.Stderr);
        Assert.Equal("created", R.Status(id));
        Assert.Equal(pid, R.Pid(id));
    }

    [Fact]
    public void PidFile_AbsolutePath_HoldsPidWithoutNewline()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        var pidFile = R.TempPath("abs.pid");
        R.Create(b, id, "--pid-file", pidFile).Ok();
        Assert.Equal(R.Pid(id).ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile));
    }

    [Fact]
    public void PidFile_RelativePath_IsRelativeToCallerCwd()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        var cwd = R.TempPath("cwd");
        Directory.CreateDirectory(cwd);
        R.Create(b, id, new ExecOptions { Cwd = cwd }, "--pid-file", "rel.pid").Ok();
        Assert.Equal(R.Pid(id).ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(cwd, "rel.pid")));
    }

    [Fact]
    public void Run_Detached_WithPidFile()
    {
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        var pidFile = R.TempPath("run.pid");
        R.Run(b, id, "--detach", "--pid-file", pidFile).Ok();
        Assert.Equal("running", R.Status(id));
        Assert.Equal(R.Pid(id).ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile));
    }

    [Fact]
    public void List_Table_Json_Quiet()
    {
        var empty = R.Exec("list").Ok();
        Assert.Matches(@"^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER\s*$", empty.Stdout.Trim());
        var emptyJson = R.Exec("list", "--format", "json").Ok().Stdout.Trim();
        Assert.True(emptyJson is "null" or "[]", $"empty list as JSON must be null (runc) or []: {emptyJson}");

        var b = R.NewBundle().Args("sleep", "30");
        var id1 = NewId();
        var id2 = NewId();
        R.Create(b, id1).Ok();
        R.Create(b, id2).Ok();
        R.Start(id2).Ok();
        var pid1 = R.Pid(id1);

        var table = Lines(R.Exec("list").Ok().Stdout);
        Assert.Equal(3, table.Length);
        Assert.Matches(@"^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER$", table[0]);
        var row1 = table.Single(l => l.StartsWith(id1 + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { id1, pid1.ToString(CultureInfo.InvariantCulture), "created", b.Dir }, row1[..4]);
        Assert.Matches(Env.Rfc3339, row1[4]);
        Assert.Equal("root", row1[5]);
        Assert.Contains(table, l => l.StartsWith(id2 + " ", StringComparison.Ordinal) && l.Contains(" running "));

        var json = JsonNode.Parse(R.Exec("list", "--format", "json").Ok().Stdout)!.AsArray();
        Assert.Equal(2, json.Count);
        var o1 = json.Single(o => (string?)o!["id"] == id1)!;
        Assert.Equal("created", (string?)o1["status"]);
        Assert.Equal(pid1, (int)o1["pid"]!);
        Assert.Equal(b.Dir, (string?)o1["bundle"]);
        Assert.Equal("running", (string?)json.Single(o => (string?)o!["id"] == id2)!["status"]);

        var quiet = Lines(R.Exec("list", "-q").Ok().Stdout);
        Assert.Equal(new[] { id1, id2 }.OrderBy(x => x), quiet.OrderBy(x => x));
    }

    [Fact]
    public void Spec_WritesDefaultConfig_AndRefusesToOverwrite()
    {
        var dir = R.TempPath("specdir");
        Directory.CreateDirectory(dir);
        R.Exec(new[] { "spec" }, new ExecOptions { Cwd = dir }).Ok();
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.StartsWith("1.", (string?)cfg["ociVersion"]);
        Assert.Equal("rootfs", (string?)cfg["root"]?["path"]);
        Assert.Equal(new[] { "sh" }, cfg["process"]!["args"]!.AsArray().Select(a => (string)a!));
        Assert.Contains(cfg["linux"]!["namespaces"]!.AsArray(), n => (string?)n!["type"] == "mount");

        var again = R.Exec(new[] { "spec" }, new ExecOptions { Cwd = dir }).Fails();
        Assert.Contains("config.json", again.Stderr);

        var dir2 = R.TempPath("specdir2");
        Directory.CreateDirectory(dir2);
        R.Exec("spec", "--bundle", dir2).Ok();
        Assert.True(File.Exists(Path.Combine(dir2, "config.json")));
    }

    [Fact]
    public void StateDir_IsUnderRoot_AndRemovedByDelete()
    {
        var b = R.NewBundle().Args("true");
        var id = NewId();
        R.Create(b, id).Ok();
        Assert.True(Directory.Exists(Path.Combine(R.Root, id)), "--root must hold a dir per container id");
        R.Delete(id, force: true).Ok();
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    [Fact]
    public void ErrorLog_IsJsonWithLevelMsgTime()
    {
        var r = R.StateRaw(NewId()).Fails();
        var lines = Lines(r.Log);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var o = JsonNode.Parse(line)!.AsObject();
            Assert.Matches(Env.Rfc3339, (string)o["time"]!);
        }
        var err = JsonNode.Parse(lines.Last())!;
        Assert.Equal("error", (string?)err["level"]);
        Assert.Contains("container does not exist", (string?)err["msg"]);
    }

    [Fact]
    public void GlobalFlags_AllGoFlagSyntaxes()
    {
        // Callers send --f v, --f=v, -f v and -f=v (urfave/cli on Go's flag package); all must work.
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        var noGlobals = new ExecOptions { GlobalFlags = false };
        foreach (var argv in new[]
        {
            new[] { "--root", R.Root, "state", id },
            new[] { "--root=" + R.Root, "state", id },
            new[] { "-root", R.Root, "state", id },
            new[] { "-root=" + R.Root, "--log=" + R.LogFile, "--log-format=json", "state", id },
        })
        {
            var r = R.Exec(argv, noGlobals).Ok();
            Assert.Equal(id, (string?)JsonNode.Parse(r.Stdout)!["id"]);
        }
        R.Exec(new[] { "--root", R.Root, "delete", "-force", id }, noGlobals).Ok();
    }

    [Fact]
    public void KillAll_SignalsEveryProcessOfTheContainer()
    {
        var b = R.NewBundle().Sh("sleep 30 & sleep 30 & echo ready; wait");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForOutput(id, "ready");
        R.Exec("kill", "--all", id, "9").Ok();
        R.WaitForStatus(id, "stopped");
    }

    [Fact]
    public void Version_PrintsSpecVersion()
    {
        var r = R.Exec(new[] { "--version" }, new ExecOptions { GlobalFlags = false }).Ok();
        var lines = Lines(r.Stdout);
        Assert.Matches(@"^\S+ version \S+", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^spec: 1\.\d+\.\d+"));
    }
}
