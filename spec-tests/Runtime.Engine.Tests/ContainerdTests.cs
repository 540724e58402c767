using System.Text.Json;

namespace Runtime.Engine.Tests;

/// <summary>
/// containerd 1.6 (ctr, containerd-shim-runc-v2 with BinaryName = the runsharp wrapper). ctr has no stop, user or
/// pids flags: stop is what engines do (SIGTERM, then SIGKILL), the user comes from the image config, and the pids
/// limit from a spec file (`ctr run --config`), built from containerd's own default spec (`ctr oci spec`).
/// </summary>
[TestCaseOrderer("Runtime.Engine.Tests.Harness.ShutdownLast", "Runtime.Engine.Tests")]
public sealed class ContainerdTests(ContainerdEngine e) : IClassFixture<ContainerdEngine>
{
    /// <summary>Runs last (<see cref="ShutdownLast"/>): stops containerd and checks what is left.</summary>
    [Fact]
    public void Shutdown_LeavesNothingBehind() =>
        Assert.True(e.Shutdown().Count == 0, "containerd left things behind:\n  " + string.Join("\n  ", e.Shutdown()));

    private static string NewId() => ContainerdEngine.NewId();

    private CommandResult Run(string id, string image, params string[] args) =>
        e.Ctr(["run", "--rm", .. e.RunFlags(id), image, id, .. args]);

    /// <summary>
    /// `ctr run --rm ARGS` whose process runs <see cref="Marked"/>(script), and what the script printed. ctr drops
    /// output that has not reached it when the exit is reported (Task.Delete cancels its copy), so the container
    /// prints a marker and waits on stdin, and the test closes stdin only once the marker arrived.
    /// </summary>
    private (int ExitCode, string Out) RunScript(string[] runArgs, bool tty = false)
    {
        var ctr = e.CtrArgv(["run", "--rm", .. runArgs]);
        using var fg = e.World.Start(tty ? ["script", "-qec", string.Join(' ', ctr.Select(Env.Q)), "/dev/null"] : ctr, holdStdin: true);
        Poll.Until(() => fg.StdoutSoFar.Contains("@end") || fg.HasExited, () => $"the container to finish: {fg.StdoutSoFar}");
        fg.ReleaseStdin();
        var r = fg.Wait(TimeSpan.FromSeconds(30));
        var output = r.Stdout.Replace("\r", "");
        Assert.True(output.Contains("@end\n"), $"the container never finished its script:\n{r}");
        return (r.ExitCode, output[..output.IndexOf("@end\n", StringComparison.Ordinal)].TrimEnd('\n'));
    }

    /// <summary>A script that keeps its exit code, then prints "@end" and waits for stdin to close.</summary>
    private static string Marked(string script) => $"{{ {script}\n}}; rc=$?; echo @end; read _; exit $rc";

    /// <summary>An image-based `ctr run --rm` of <paramref name="script"/> under sh, through <see cref="RunScript"/>.</summary>
    private string RunOk(string id, string[] flags, string image, string script)
    {
        var (code, output) = RunScript([.. e.RunFlags(id), .. flags, image, id, "sh", "-c", Marked(script)]);
        Assert.True(code == 0, $"exit {code}: {output}");
        return output;
    }

    /// <summary>A detached container running <paramref name="args"/> (default: a long sleep).</summary>
    private string StartDetached(params string[] args)
    {
        var id = NewId();
        e.Ctr(["run", "-d", .. e.RunFlags(id), BusyboxImage.Root, id, .. (args.Length > 0 ? args : ["sleep", "300"])]).Ok();
        Poll.Until(() => TaskStatus(id) == "RUNNING", $"task {id} to run");
        return id;
    }

    /// <summary>`ctr run` in the foreground, left running (its exit code is the container's).</summary>
    private BackgroundCommand StartForeground(string id, string script)
    {
        var fg = e.World.Start(e.CtrArgv(["run", "--rm", .. e.RunFlags(id), BusyboxImage.Root, id, "sh", "-c", script]));
        Poll.Until(() => fg.StdoutSoFar.Contains("ready"), () => $"container {id} to start:\n{fg.StdoutSoFar}");
        return fg;
    }

    private string? TaskStatus(string id)
    {
        foreach (var line in e.Ctr("tasks", "ls").Out.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 3 && f[0] == id) return f[2];
        }
        return null;
    }

    private void Remove(string id)
    {
        e.Ctr("tasks", "rm", "-f", id);
        e.Ctr("containers", "rm", id);
    }

    [Fact]
    public void RunEcho_GoesThroughRunsharp()
    {
        var id = NewId();
        Assert.Equal("hello from containerd", RunOk(id, [], BusyboxImage.Root, "echo hello from containerd"));
        var calls = e.Runtime.AssertCalled(id, "create", "start", "delete");
        // The shim's global flags: --root under its Root option, --log in the bundle, JSON.
        var create = calls.First(c => c.Command == "create");
        Assert.Equal(Path.Combine(e.RuncRoot, ContainerdEngine.Namespace), create.Root);
        Assert.Equal("json", create.Globals["--log-format"]);
        Assert.EndsWith("/log.json", create.Globals["--log"]);
    }

    [Fact]
    public void ExitCode_IsPropagated()
    {
        var id = NewId();
        Run(id, BusyboxImage.Root, "sh", "-c", "exit 7").Exits(7);
        e.Runtime.AssertCalled(id, "create", "start");
    }

    [Fact]
    public void Tty_ContainerGetsATerminal()
    {
        var id = NewId();
        var (code, output) = RunScript(["-t", .. e.RunFlags(id), BusyboxImage.Root, id, "sh", "-c", Marked("tty; test -t 0 && echo isatty")], tty: true);
        Assert.Equal(0, code);
        Assert.Contains("/dev/pts/", output);
        Assert.Contains("isatty", output);
        var create = e.Runtime.AssertCalled(id, "create").First(c => c.Command == "create");
        Assert.Contains("--console-socket", create.Args);
    }

    [Fact]
    public void Detached_RunsInTheBackground_AndRunsharpKnowsIt()
    {
        var id = StartDetached();
        try
        {
            var state = e.Runtime.State(e.World, id);
            Assert.NotNull(state);
            Assert.Equal("running", state.Value.GetProperty("status").GetString());
            e.Runtime.AssertLogIsJson(id);
            var taskPid = e.Ctr("tasks", "ls").Out.Split('\n').First(l => l.StartsWith(id)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.Equal(taskPid, state.Value.GetProperty("pid").GetInt32().ToString());
        }
        finally { Remove(id); }
    }

    [Fact]
    public void Exec_WithStdin_WithTty_WithExitCode()
    {
        var id = StartDetached();
        try
        {
            var piped = e.World.Run(e.CtrArgv("tasks", "exec", "--exec-id", "stdin", id, "sh", "-c", "read line; echo got:$line"), stdin: "ping\n").Ok();
            Assert.Equal("got:ping", piped.Out);
            e.Ctr("tasks", "exec", "--exec-id", "code", id, "sh", "-c", "exit 3").Exits(3);
            var missing = e.Ctr("tasks", "exec", "--exec-id", "missing", id, "/no/such/program");
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("no such file or directory", missing.Stderr); // runsharp's --log error, through the shim
            var tty = e.RunWithTty(e.CtrArgv("tasks", "exec", "-t", "--exec-id", "tty", id, "sh", "-c", "tty; test -t 0 && echo isatty")).Ok();
            Assert.Contains("/dev/pts/", tty.Out);
            Assert.Contains("isatty", tty.Out);
            var execs = e.Runtime.AssertCalled(id, "exec").Where(c => c.Command == "exec").ToList();
            Assert.Equal(4, execs.Count);
            Assert.All(execs, c => { Assert.Contains("--process", c.Args); Assert.Contains("--detach", c.Args); });
            Assert.Single(execs, c => c.Args.Contains("--console-socket"));
        }
        finally { Remove(id); }
    }

    [Fact]
    public void PauseAndResume_FreezeTheContainer()
    {
        var id = StartDetached();
        try
        {
            var cgroup = e.Runtime.CgroupsPath(id);
            e.Ctr("tasks", "pause", id).Ok();
            Assert.Equal("PAUSED", TaskStatus(id));
            Assert.Equal("paused", e.Runtime.Status(e.World, id));
            Assert.Equal("FROZEN", e.FreezerState(cgroup));
            e.Ctr("tasks", "resume", id).Ok();
            Assert.Equal("RUNNING", TaskStatus(id));
            Assert.Equal("running", e.Runtime.Status(e.World, id));
            Assert.Equal("THAWED", e.FreezerState(cgroup));
            Assert.Equal("alive", e.Ctr("tasks", "exec", "--exec-id", "after", id, "echo", "alive").Ok().Out);
            e.Runtime.AssertCalled(id, "pause", "resume");
        }
        finally { Remove(id); }
    }

    [Fact]
    public void Stop_HonoursSigterm()
    {
        var id = NewId();
        using var fg = StartForeground(id, "trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done");
        e.Ctr("tasks", "kill", id).Ok(); // SIGTERM, as a stop begins
        Assert.Equal(42, fg.Wait(TimeSpan.FromSeconds(30)).ExitCode);
        Assert.Contains(e.Runtime.CallsFor(id), c => c.Command == "kill" && c.Args[^1] == "15");
    }

    [Fact]
    public void Stop_EscalatesToSigkill_WhenSigtermIsIgnored()
    {
        var id = NewId();
        using var fg = StartForeground(id, "trap '' TERM; echo ready; while :; do sleep 0.1; done");
        e.Ctr("tasks", "kill", id).Ok();
        Thread.Sleep(1000); // the grace period of a stop
        Assert.Equal("RUNNING", TaskStatus(id));
        e.Ctr("tasks", "kill", "-s", "SIGKILL", id).Ok();
        Assert.Equal(137, fg.Wait(TimeSpan.FromSeconds(30)).ExitCode);
        var kills = e.Runtime.CallsFor(id).Where(c => c.Command == "kill").Select(c => c.Args[^1]).ToList();
        Assert.Contains("15", kills);
        Assert.Contains("9", kills);
    }

    [Fact]
    public void Kill_DeliversTheSignal_AndKillAllReachesEveryProcess()
    {
        var id = NewId();
        using (var fg = StartForeground(id, "trap 'exit 10' USR1; echo ready; while :; do sleep 0.1; done"))
        {
            e.Ctr("tasks", "kill", "-s", "SIGUSR1", id).Ok();
            Assert.Equal(10, fg.Wait(TimeSpan.FromSeconds(30)).ExitCode);
            Assert.Contains(e.Runtime.CallsFor(id), c => c.Command == "kill" && c.Args[^1] == "10");
        }
        var all = StartDetached();
        try
        {
            e.Ctr("tasks", "exec", "-d", "--exec-id", "extra", all, "sleep", "300").Ok();
            // ctr task ps lists the pids runsharp's `ps --format json` gives the shim: the init and the exec.
            Assert.Equal(3, e.Ctr("tasks", "ps", all).Ok().Out.Split('\n').Length);
            Assert.Contains(e.Runtime.CallsFor(all), c => c.Command == "ps" && c.Args.Contains("json"));
            e.Ctr("tasks", "kill", "--all", "-s", "SIGKILL", all).Ok();
            Poll.Until(() => TaskStatus(all) == "STOPPED", $"task {all} to stop");
            Assert.Contains(e.Runtime.CallsFor(all), c => c.Command == "kill" && c.Args.Contains("--all"));
        }
        finally { Remove(all); }
    }

    [Fact]
    public void RemoveRunning_DeletesTheContainerEverywhere()
    {
        var id = StartDetached();
        var cgroup = e.Runtime.CgroupsPath(id);
        Assert.True(EngineFixture.CgroupExists(cgroup), $"no cgroup {cgroup} for the running container");
        e.Ctr("tasks", "rm", "-f", id).Ok();
        e.Ctr("containers", "rm", id).Ok();
        Assert.Null(TaskStatus(id));
        Assert.Null(e.Runtime.State(e.World, id)); // runsharp: container does not exist
        Assert.False(EngineFixture.CgroupExists(cgroup), $"the container's cgroup {cgroup} is still there");
        e.Runtime.AssertCalled(id, "delete");
    }

    [Fact]
    public void MemoryLimit_IsVisibleInside()
    {
        var id = NewId();
        var output = RunOk(id, ["--memory-limit", "67108864", "--mount", "type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro"],
            BusyboxImage.Root, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max");
        Assert.Equal("67108864", output);
        e.Runtime.AssertCalled(id, "create");
    }

    [Fact]
    public void Metrics_ReadTheCgroupRunsharpMade()
    {
        var id = NewId();
        e.Ctr(["run", "-d", .. e.RunFlags(id), "--memory-limit", "67108864", BusyboxImage.Root, id, "sleep", "300"]).Ok();
        try
        {
            Poll.Until(() => TaskStatus(id) == "RUNNING", $"task {id} to run");
            // The shim reads the cgroup named in the spec; runsharp must have created it there, with the limit.
            var metrics = e.Ctr("tasks", "metrics", id).Ok().Out;
            Assert.Matches(@"(?m)^memory\.\S*limit\S*\s+67108864\s*$", metrics);
            Assert.Matches(@"(?m)^pids\.current\s+[1-9]", metrics);
        }
        finally { Remove(id); }
    }

    [Fact]
    public void PidsLimit_FromASpecFile_IsVisibleInside()
    {
        var id = NewId();
        var spec = JsonNode.Parse(e.Ctr("oci", "spec").Ok().Stdout)!;
        var rootfs = Path.Combine(e.Dir, "rootfs-" + id);
        SharedRootfs.CopyTo(rootfs);
        spec["root"]!["path"] = rootfs;
        spec["process"]!["env"] = Json.Arr("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
        spec["process"]!["args"] = Json.Arr("sh", "-c", Marked("cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max"));
        spec["linux"]!["cgroupsPath"] = $"{e.CgroupParent}/{id}";
        spec["linux"]!["resources"]!["pids"] = new JsonObject { ["limit"] = 50 };
        spec["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/sys/fs/cgroup", ["type"] = "cgroup", ["source"] = "cgroup", ["options"] = Json.Arr("ro") });
        var file = Path.Combine(e.Dir, $"spec-{id}.json");
        File.WriteAllText(file, spec.ToJsonString());
        var (code, output) = RunScript(["--config", file, "--runc-binary", e.Runtime.Path, "--runc-root", e.RuncRoot, id]);
        Assert.Equal((0, "50"), (code, output));
        e.Runtime.AssertCalled(id, "create", "start");
    }

    [Fact]
    public void ReadOnlyRootfs()
    {
        var id = NewId();
        Assert.Equal("rc=0", RunOk(id, [], BusyboxImage.Root, "touch /should-fail 2>&1; echo rc=$?")); // writable without --read-only
        var ro = NewId();
        var output = RunOk(ro, ["--read-only"], BusyboxImage.Root, "touch /should-fail 2>&1; echo rc=$?");
        Assert.Contains("Read-only file system", output);
        Assert.Contains("rc=1", output);
        e.Runtime.AssertCalled(ro, "create");
    }

    [Fact]
    public void NonRootUser_FromTheImageConfig()
    {
        var id = NewId();
        var output = RunOk(id, [], BusyboxImage.User1000, "id -u; id -g; touch /root/x 2>&1 || echo denied");
        Assert.Equal(new[] { "1000", "1000", "touch: /root/x: Permission denied", "denied" }, output.Split('\n'));
        e.Runtime.AssertCalled(id, "create");
    }

    [Fact]
    public void CapDropAll_LeavesNoCapabilities()
    {
        var defaults = JsonNode.Parse(e.Ctr("oci", "spec").Ok().Stdout)!["process"]!["capabilities"]!["bounding"]!.AsArray()
            .Select(c => (string)c!).ToList();
        Assert.NotEmpty(defaults);
        var id = NewId();
        var drops = defaults.SelectMany(c => new[] { "--cap-drop", c });
        var output = RunOk(id, drops.ToArray(), BusyboxImage.Root, "grep ^Cap /proc/self/status");
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
            Assert.Contains($"{set}:\t0000000000000000", output);
        e.Runtime.AssertCalled(id, "create");
    }

    [Fact]
    public void MissingExecutable_FailsWithTheRuntimesError()
    {
        var id = NewId();
        var r = Run(id, BusyboxImage.Root, "/no/such/program");
        Assert.NotEqual(0, r.ExitCode);
        // The shim reads runsharp's --log JSON and reports its last error line.
        Assert.Contains("no such file or directory", r.Stderr);
        e.Runtime.AssertCalled(id, "create");
        Assert.Null(TaskStatus(id));
    }
}
