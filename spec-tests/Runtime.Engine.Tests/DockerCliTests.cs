namespace Runtime.Engine.Tests;

/// <summary>
/// The tests docker and podman share (their CLIs take the same verbs and flags). Each one checks the behaviour
/// through the engine and, through the wrapper's log, that the engine got it from runsharp.
/// </summary>
public abstract class DockerCliTests<TEngine>(TEngine e) where TEngine : DockerCliEngine
{
    /// <summary>Runs last (<see cref="ShutdownLast"/>): stops the engine and checks what is left.</summary>
    [Fact]
    public void Shutdown_LeavesNothingBehind() =>
        Assert.True(e.Shutdown().Count == 0, $"{typeof(TEngine).Name} left things behind:\n  " + string.Join("\n  ", e.Shutdown()));

    protected TEngine E => e;

    protected string Image => BusyboxImage.Root;

    /// <summary>How `stats` shows a 96 MiB limit set by `update`, or null where the engine shows the created one.</summary>
    protected virtual string? LimitInStatsAfterUpdate => "96MiB";

    /// <summary>`run --rm` in the foreground; returns the result and the container's id (from --cidfile).</summary>
    protected (CommandResult Result, string Id) RunRm(string[] flags, params string[] args)
    {
        var cidfile = Path.Combine(e.Dir, "cid-" + Guid.NewGuid().ToString("N")[..8]);
        var r = e.Cli(["run", "--rm", "--cidfile", cidfile, .. e.RunFlags, .. flags, Image, .. args]);
        var id = File.Exists(cidfile) ? File.ReadAllText(cidfile).Trim() : "";
        Assert.True(id.Length > 0, $"no container id in --cidfile:\n{r}");
        return (r, id);
    }

    /// <summary>A detached container running <paramref name="script"/> under sh; waits until it printed "ready".</summary>
    protected string StartDetached(string script = "echo ready; exec sleep 300", params string[] flags)
    {
        var id = e.Cli(["run", "-d", .. e.RunFlags, .. flags, Image, "sh", "-c", script]).Ok().Out;
        Poll.Until(() => e.Cli("logs", id).Stdout.Contains("ready"), () => $"container {id} to start: {e.Cli("logs", id)}");
        return id;
    }

    protected void Remove(string id) => e.Cli([.. e.ForceRemove, id]);

    protected int ExitCodeOf(string id)
    {
        Poll.Until(() => e.Inspect(id, "{{.State.Status}}") == "exited", $"container {id} to exit");
        return int.Parse(e.Inspect(id, "{{.State.ExitCode}}"));
    }

    private List<string> KillSignals(string id) =>
        e.Runtime.CallsFor(id).Where(c => c.Command == "kill").Select(c => c.Args[^1]).ToList();

    [Fact]
    public void RunEcho_GoesThroughRunsharp()
    {
        var (r, id) = RunRm([], "echo", "hello from the engine");
        Assert.Equal("hello from the engine", r.Ok().Out);
        e.Runtime.AssertCalled(id, "create", "start", "delete");
    }

    [Fact]
    public void ExitCode_IsPropagated()
    {
        var (r, id) = RunRm([], "sh", "-c", "exit 7");
        r.Exits(7);
        e.Runtime.AssertCalled(id, "create", "start");
    }

    [Fact]
    public void Tty_ContainerGetsATerminal()
    {
        var cidfile = Path.Combine(e.Dir, "cid-tty-" + Guid.NewGuid().ToString("N")[..8]);
        var r = e.RunWithTty(e.CliArgv(["run", "--rm", "-t", "--cidfile", cidfile, .. e.RunFlags, Image, "sh", "-c", "tty; test -t 0 && echo isatty"])).Ok();
        Assert.Contains("/dev/pts/", r.Out);
        Assert.Contains("isatty", r.Out);
        var create = e.Runtime.AssertCalled(File.ReadAllText(cidfile).Trim(), "create").First(c => c.Command == "create");
        Assert.Contains("--console-socket", create.Args);
    }

    [Fact]
    public void Detached_RunsInTheBackground_AndRunsharpKnowsIt()
    {
        var id = StartDetached();
        try
        {
            Assert.Equal("running", e.Inspect(id, "{{.State.Status}}"));
            var state = e.Runtime.State(e.World, id);
            Assert.NotNull(state);
            Assert.Equal("running", state.Value.GetProperty("status").GetString());
            e.Runtime.AssertLogIsJson(id);
            Assert.Equal(e.Inspect(id, "{{.State.Pid}}"), state.Value.GetProperty("pid").GetInt32().ToString());
        }
        finally { Remove(id); }
    }

    [Fact]
    public void Exec_WithStdin_WithTty_WithExitCode()
    {
        var id = StartDetached();
        try
        {
            Assert.Equal("got:ping", e.Cli(["exec", "-i", id, "sh", "-c", "read line; echo got:$line"], "ping\n").Ok().Out);
            e.Cli("exec", id, "sh", "-c", "exit 3").Exits(3);
            var missing = e.Cli("exec", id, "/no/such/program");
            Assert.True(missing.ExitCode is 126 or 127, missing.ToString());
            Assert.Contains("no such file or directory", missing.Stdout + missing.Stderr);
            var tty = e.RunWithTty(e.CliArgv("exec", "-t", id, "sh", "-c", "tty; test -t 0 && echo isatty")).Ok();
            Assert.Contains("/dev/pts/", tty.Out);
            Assert.Contains("isatty", tty.Out);
            var execs = e.Runtime.AssertCalled(id, "exec").Where(c => c.Command == "exec").ToList();
            Assert.True(execs.Count >= 3, string.Join("\n", execs.Select(c => c.Line)));
            Assert.All(execs, c => Assert.Contains("--process", c.Args));
            Assert.Contains(execs, c => c.Args.Contains("--console-socket"));
        }
        finally { Remove(id); }
    }

    [Fact]
    public void Volumes_BindMountAndTmpfs_EnvAndWorkdir()
    {
        var host = Path.Combine(e.Dir, "volume-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(host);
        File.WriteAllText(Path.Combine(host, "from-host"), "host data\n");
        var (r, id) = RunRm(["-v", $"{host}:/data", "--tmpfs", "/scratch:size=1m", "-e", "GREETING=hi", "-w", "/scratch"], "sh", "-c",
            "cat /data/from-host; echo written > /data/from-container; pwd; echo $GREETING; grep ' /scratch ' /proc/self/mounts | cut -d' ' -f3,4");
        var lines = r.Ok().Out.Split('\n');
        Assert.Equal(new[] { "host data", "/scratch", "hi" }, lines[..3]);
        Assert.StartsWith("tmpfs ", lines[3]);
        Assert.Contains("size=1024k", lines[3]);
        Assert.Equal("written\n", File.ReadAllText(Path.Combine(host, "from-container")));
        e.Runtime.AssertCalled(id, "create");
    }

    /// <summary>--pid/--ipc/--network container:X: the engine hands runsharp namespace paths to join.</summary>
    [Fact]
    public void Namespaces_SharedWithAnotherContainer()
    {
        var first = StartDetached("echo ready; exec sleep 300", "--ipc", "shareable");
        try
        {
            const string links = "for n in pid ipc net; do readlink /proc/self/ns/$n; done";
            var (r, second) = RunRm(["--pid", $"container:{first}", "--ipc", $"container:{first}", "--network", $"container:{first}"],
                "sh", "-c", $"{links}; ps -o args | grep -c '^sleep 300'");
            var inFirst = e.Cli("exec", first, "sh", "-c", links).Ok().Out.Split('\n');
            Assert.Equal([.. inFirst, "1"], r.Ok().Out.Split('\n'));
            e.Runtime.AssertCalled(second, "create");
        }
        finally { Remove(first); }
    }

    [Fact]
    public void PauseAndResume_FreezeTheContainer()
    {
        var id = StartDetached();
        try
        {
            var cgroup = e.Runtime.CgroupsPath(id);
            e.Cli("pause", id).Ok();
            Assert.Equal("paused", e.Inspect(id, "{{.State.Status}}"));
            Assert.Equal("paused", e.Runtime.Status(e.World, id));
            Assert.Equal("FROZEN", e.FreezerState(cgroup));
            e.Cli("unpause", id).Ok();
            Assert.Equal("running", e.Inspect(id, "{{.State.Status}}"));
            Assert.Equal("running", e.Runtime.Status(e.World, id));
            Assert.Equal("THAWED", e.FreezerState(cgroup));
            Assert.Equal("alive", e.Cli("exec", id, "echo", "alive").Ok().Out);
            e.Runtime.AssertCalled(id, "pause", "resume");
        }
        finally { Remove(id); }
    }

    [Fact]
    public void Stop_HonoursSigterm()
    {
        var id = StartDetached("trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done");
        try
        {
            e.Cli("stop", "-t", "30", id).Ok();
            Assert.Equal(42, ExitCodeOf(id));
            Assert.Equal(new[] { "15" }, KillSignals(id).Distinct());
        }
        finally { Remove(id); }
    }

    [Fact]
    public void Stop_EscalatesToSigkill_WhenSigtermIsIgnored()
    {
        var id = StartDetached("trap '' TERM; echo ready; while :; do sleep 0.1; done");
        try
        {
            e.Cli("stop", "-t", "1", id).Ok();
            Assert.Equal(137, ExitCodeOf(id));
            var signals = KillSignals(id);
            Assert.Contains("15", signals);
            Assert.Contains("9", signals);
        }
        finally { Remove(id); }
    }

    [Fact]
    public void Kill_DeliversTheSignal()
    {
        var id = StartDetached("trap 'exit 10' USR1; echo ready; while :; do sleep 0.1; done");
        try
        {
            e.Cli("kill", "--signal", "USR1", id).Ok();
            Assert.Equal(10, ExitCodeOf(id));
            Assert.Contains("10", KillSignals(id));
        }
        finally { Remove(id); }
        var killed = StartDetached();
        try
        {
            e.Cli("kill", killed).Ok();
            Assert.Equal(137, ExitCodeOf(killed));
            Assert.Contains("9", KillSignals(killed));
        }
        finally { Remove(killed); }
    }

    [Fact]
    public void RemoveRunning_DeletesTheContainerEverywhere()
    {
        var id = StartDetached();
        var cgroup = e.Runtime.CgroupsPath(id);
        Assert.True(EngineFixture.CgroupExists(cgroup), $"no cgroup {cgroup} for the running container");
        e.Cli([.. e.ForceRemove, id]).Ok();
        Assert.NotEqual(0, e.Cli("inspect", id).ExitCode);
        Assert.Null(e.Runtime.State(e.World, id)); // runsharp: container does not exist
        Assert.False(EngineFixture.CgroupExists(cgroup), $"the container's cgroup {cgroup} is still there");
        e.Runtime.AssertCalled(id, "delete");
    }

    [Fact]
    public void MemoryAndPidsLimits_AreVisibleInside()
    {
        var (r, id) = RunRm(["--memory", "64m", "--pids-limit", "50"], "sh", "-c",
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; " +
            "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max");
        Assert.Equal(new[] { "67108864", "50" }, r.Ok().Out.Split('\n'));
        e.Runtime.AssertCalled(id, "create");
    }

    [Fact]
    public void Update_ChangesTheLimits_AndStatsSeeThem()
    {
        const string memory = "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max";
        var id = StartDetached("echo ready; exec sleep 300", "--memory", "64m", "--memory-swap", "128m");
        try
        {
            Assert.Equal("67108864", e.Cli("exec", id, "sh", "-c", memory).Ok().Out);
            e.Cli("update", "--memory", "96m", "--memory-swap", "192m", id).Ok();
            Assert.Equal("100663296", e.Cli("exec", id, "sh", "-c", memory).Ok().Out);
            e.Runtime.AssertCalled(id, "update");
            // Stats come from the engine reading the container's cgroup, where runsharp put it.
            var usage = e.Cli("stats", "--no-stream", "--format", "{{.MemUsage}}", id).Ok().Out;
            Assert.Matches(@"^[1-9][0-9.]*[kKM]i?B / ", usage);
            if (LimitInStatsAfterUpdate is { } limit) Assert.EndsWith($"/ {limit}", usage);
        }
        finally { Remove(id); }
    }

    [Fact]
    public void ReadOnlyRootfs()
    {
        var (r, id) = RunRm(["--read-only"], "sh", "-c", "touch /should-fail 2>&1; echo rc=$?");
        Assert.Contains("Read-only file system", r.Ok().Out);
        Assert.Contains("rc=1", r.Out);
        e.Runtime.AssertCalled(id, "create");
    }

    [Fact]
    public void NonRootUser()
    {
        var (r, id) = RunRm(["--user", "1000:1000"], "sh", "-c", "id -u; id -g; touch /root/x 2>&1 || echo denied");
        Assert.Equal(new[] { "1000", "1000", "touch: /root/x: Permission denied", "denied" }, r.Ok().Out.Split('\n'));
        e.Runtime.AssertCalled(id, "create");
    }

    [Fact]
    public void CapDropAll_LeavesNoCapabilities()
    {
        var (r, id) = RunRm(["--cap-drop", "ALL"], "grep", "^Cap", "/proc/self/status");
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
            Assert.Contains($"{set}:\t0000000000000000", r.Ok().Out);
        e.Runtime.AssertCalled(id, "create");
    }

    [Fact]
    public void MissingExecutable_Exits127_WithTheRuntimesError()
    {
        var (r, id) = RunRm([], "/no/such/program");
        r.Exits(127);
        Assert.Contains("no such file or directory", r.Stderr);
        e.Runtime.AssertCalled(id, "create");
    }
}

[TestCaseOrderer("Runtime.Engine.Tests.Harness.ShutdownLast", "Runtime.Engine.Tests")]
public sealed class DockerTests(DockerEngine e) : DockerCliTests<DockerEngine>(e), IClassFixture<DockerEngine>
{
    /// <summary>`docker top` asks the runtime for the container's pids (`ps --format json`), then runs ps on the host.</summary>
    [Fact]
    public void Top_ListsTheContainersProcesses()
    {
        var id = StartDetached();
        try
        {
            E.Cli("exec", "-d", id, "sleep", "301").Ok();
            Poll.Until(() => E.Cli("top", id).Out.Contains("sleep 301"), $"docker top {id} to show the exec'd process");
            Assert.Contains("sleep 300", E.Cli("top", id).Ok().Out);
            Assert.Contains(E.Runtime.CallsFor(id), c => c.Command == "ps" && c.Args.Contains("json"));
        }
        finally { Remove(id); }
    }

    /// <summary>`docker build` with the classic builder: the RUN step runs in a container of the default runtime.</summary>
    [Fact]
    public void Build_RunStepUsesTheDefaultRuntime()
    {
        var context = Path.Combine(E.Dir, "build-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {Image}\nRUN echo built-by-runsharp > /built\n");
        var tag = "runsharp.test/built:" + Path.GetFileName(context);
        var calls = E.Runtime.Calls().Count;
        var build = E.Cli("build", "-t", tag, context).Ok();
        var created = E.Runtime.Calls().Skip(calls).Where(c => c.Command == "create").ToList();
        Assert.True(created.Count == 1, $"expected the RUN step to go through runsharp:\n{build}");
        Assert.Equal("built-by-runsharp", E.Cli("run", "--rm", tag, "cat", "/built").Ok().Out); // no --runtime: the default

        Assert.Equal(2, E.Runtime.Calls().Skip(calls).Count(c => c.Command == "create"));
        E.Cli("rmi", tag).Ok();
    }

    /// <summary>
    /// dockerd runs the default runtime's `--version` for `docker info` (the "runc version" line shows its commit)
    /// and `docker version` (a component named after the runtime, with its version); "N/A" or a missing component
    /// would mean it could not parse our output.
    /// </summary>
    [Fact]
    public void InfoAndVersion_ShowRunsharpsVersionAndCommit()
    {
        var ours = Sh.Run($"{Env.Q(Env.RuntimePath)} --version");
        var lines = ours.Stdout.Split('\n');
        string version = lines[0][(lines[0].LastIndexOf("version ", StringComparison.Ordinal) + "version ".Length)..].Trim();
        string commit = lines.Single(l => l.StartsWith("commit:", StringComparison.Ordinal))["commit:".Length..].Trim();
        int before = File.ReadAllLines(E.Runtime.CallsLog).Count(l => l.Trim() == "--version");

        Assert.Equal(commit, E.Cli("info", "--format", "{{.RuncCommit.ID}}").Ok().Out);
        var components = E.Cli("version", "--format", "{{range .Server.Components}}{{.Name}}={{.Version}} {{end}}").Ok().Out;
        Assert.Contains($"runsharp={version} ", components + " ");
        Assert.True(File.ReadAllLines(E.Runtime.CallsLog).Count(l => l.Trim() == "--version") >= before + 2,
            "dockerd did not run the runtime's --version through the wrapper");
    }
}

[TestCaseOrderer("Runtime.Engine.Tests.Harness.ShutdownLast", "Runtime.Engine.Tests")]
public sealed class PodmanTests(PodmanEngine e) : DockerCliTests<PodmanEngine>(e), IClassFixture<PodmanEngine>
{
    // podman 4.3's stats take the limit from the container's own config, which `podman update` leaves as it was.
    protected override string? LimitInStatsAfterUpdate => null;

    /// <summary>`podman --runtime PATH`: the runtime named by path rather than by containers.conf.</summary>
    [Fact]
    public void RuntimeFlag_ByPath()
    {
        var cidfile = Path.Combine(E.Dir, "cid-flag");
        var r = E.Cli(["--runtime", E.Runtime.Path, "run", "--rm", "--cidfile", cidfile, .. E.RunFlags, Image, "echo", "by path"]).Ok();
        Assert.Equal("by path", r.Out);
        var create = E.Runtime.AssertCalled(File.ReadAllText(cidfile).Trim(), "create", "start").First(c => c.Command == "create");
        // conmon passes the JSON log flags to a runtime whose basename is in runtime_supports_json.
        Assert.Equal("json", create.Globals["--log-format"]);
    }

    /// <summary>--preserve-fds: podman hands fd 3 to conmon, conmon to runsharp (create --preserve-fds 1), runsharp to the container.</summary>
    [Fact]
    public void PreserveFds_PassesAnOpenFileIn()
    {
        var file = Path.Combine(E.Dir, "preserved-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(file, "read through fd 3\n");
        var cidfile = file + ".cid";
        var podman = string.Join(' ', E.CliArgv(["run", "--rm", "--cidfile", cidfile, "--preserve-fds", "1", .. E.RunFlags, Image, "sh", "-c", "cat <&3"]).Select(Env.Q));
        var r = E.World.Run(["sh", "-c", $"exec 3<{Env.Q(file)}; {podman}"]).Ok();
        Assert.Equal("read through fd 3", r.Out);
        var create = E.Runtime.AssertCalled(File.ReadAllText(cidfile).Trim(), "create").First(c => c.Command == "create");
        Assert.Contains("--preserve-fds", create.Args);
    }

    /// <summary>
    /// With --read-only podman mounts tmpfs on /tmp, /run and /var/tmp with "tmpcopyup" (a runc extension): the
    /// tmpfs starts with what the image has there.
    /// </summary>
    [Fact]
    public void ReadOnlyRootfs_KeepsWritableTmpfsWithTheImagesContent()
    {
        var (r, id) = RunRm(["--read-only"], "sh", "-c", "touch /tmp/ok /run/ok /var/tmp/ok && echo writable; cat /var/tmp/from-image");
        Assert.Equal(new[] { "writable", BusyboxImage.VarTmpContent }, r.Ok().Out.Split('\n'));
        E.Runtime.AssertCalled(id, "create");
    }
}
