using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Runtime.Integration.Tests;

/// <summary>
/// The runtime SIGKILLed at each phase of create and delete (strace fault injection, see <see cref="FaultPoint"/>;
/// no test hook in the product). After each fault, `state` and `list` must not crash on what is left (a container
/// that never finished creating is "stopped"), and `delete --force` must remove everything: no state dir, no
/// cgroup dir in any hierarchy, no process (looked up by pid, by the id in its command line, by its cgroup), no
/// mount under the bundle or the rootfs.
///
/// The fault points are runsharp's own calls (its paths, its order), so against runc those tests return early:
/// runc's Go runtime makes its calls on any thread and its init is a re-executed `runc init`, a different
/// experiment. Tried by hand on runc 1.1.5 (strace -f, SIGKILL at its first renameat, i.e. before state.json):
/// `state` says "container does not exist", `list` warns "load container ID: container does not exist", and
/// `delete --force` exits 0 and removes the state dir but leaves the container's cgroup in all 10 hierarchies.
/// The init-death, state-root and child-killed tests run against runc too.
/// </summary>
public class FaultInjectionTests(ITestOutputHelper output) : IntegrationTest
{
    private static string[] StateFiles(Harness.Runtime r, string id, params string[] names) =>
        names.Select(n => Path.Combine(r.Root, id, n)).ToArray();

    /// <summary>Every dir the container's cgroup may have, in every hierarchy (see Runtime.CgroupDirsFor).</summary>
    private static string[] CgroupDirs(Harness.Runtime r, string id) => r.CgroupDirsFor(id).ToArray();

    /// <summary>The dirs of one hierarchy in the middle of the host's list: a kill there leaves some hierarchies made
    /// (on pure v2, the one hierarchy: the kill comes as the cgroup is made).</summary>
    private static string[] MiddleHierarchy(Harness.Runtime r, string id)
    {
        var hierarchies = Host.OwnCgroups();
        var (dir, own) = hierarchies[hierarchies.Count / 2];
        return new[] { Path.Combine(dir, id), Path.Combine(dir, own.Trim('/'), id), Path.Combine(dir, HostCgroups.RelativeBase(own).Trim('/'), id) }
            .Distinct().ToArray();
    }

    public static readonly FaultPoint[] CreatePoints =
    [
        new("create: state dir made, nothing in it yet", "openat", (r, id) => StateFiles(r, id, "config.json"), Pick.First),
        new("create: cgroup half made (some hierarchies)", "mkdir", MiddleHierarchy, Pick.First),
        new("create: cgroup made, before the fork", "mknodat", (r, id) => StateFiles(r, id, "exec.fifo"), Pick.First),
        // The init joins its cgroups itself (v1 tasks files, clone3 into cgroup2; see InitCgroupJoin), so these
        // are placed by the fork: the parent's first close after it, and its first read (the go byte is written).
        FaultPoint.AfterTheFork("create: after the fork, before the init is released", "close"),
        FaultPoint.AfterTheFork("create: init released, before it is ready", "read"),
        new("create: init ready, before state.json is written", "rename", (r, id) => StateFiles(r, id, "state.json"), Pick.Last,
            PathFilter: false),
    ];

    public static readonly FaultPoint[] DeletePoints =
    [
        new("delete: processes killed, before the cgroup is removed", "rmdir", CgroupDirs, Pick.First),
        new("delete: cgroup half removed", "rmdir", CgroupDirs, Pick.Middle),
        new("delete: cgroup removed, before the state dir", "unlink", (r, id) => StateFiles(r, id, "state.json", "config.json", "exec.fifo"), Pick.First),
        new("delete: state dir half emptied", "unlink", (r, id) => StateFiles(r, id, "state.json", "config.json", "exec.fifo"), Pick.Last),
        new("delete: state dir emptied, before it is removed", "rmdir", (r, id) => [Path.Combine(r.Root, id)], Pick.Last),
    ];

    public static IEnumerable<object[]> CreateFaults => CreatePoints.Select(p => new object[] { p.Name });

    /// <summary>Each delete fault on a created container (init waiting on exec.fifo) and on a running one.</summary>
    public static IEnumerable<object[]> DeleteFaults =>
        DeletePoints.SelectMany(p => new[] { new object[] { p.Name, false }, new object[] { p.Name, true } });

    private Bundle SleepBundle() => R.NewBundle().Args("sleep", "100");

    [Theory]
    [MemberData(nameof(CreateFaults))]
    public void Create_KilledAt_StateAndListCope_DeleteForceRemovesEverything(string fault)
    {
        if (Env.IsRunc) return; // runsharp's own calls; see the class comment
        var point = CreatePoints.Single(p => p.Name == fault);
        var b = SleepBundle();
        int when = point.Resolve(R, (dryId, prefix) =>
        {
            R.Create(b, dryId, new ExecOptions { Prefix = prefix }).Ok();
            R.Delete(dryId, force: true).Ok();
        });

        var id = NewId();
        var log = R.TempPath($"strace-{id}.log");
        var r = R.Create(b, id, new ExecOptions { Prefix = point.StracePrefix(R, id, log, when) });
        point.AssertFired(r, log);
        // A child the create had released is still a copy of the runtime, busy setting up: its parent-death signal
        // kills it, but not always before the next line; until then `state` rightly says "creating".
        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(5));
        while (Leftovers.ProcessesOf(id).Any(p => p.Contains(" create ", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        Report(fault, log);
        AfterFault(id, b, []);
    }

    [Theory]
    [MemberData(nameof(DeleteFaults))]
    public void Delete_KilledAt_StateAndListCope_DeleteForceRemovesEverything(string fault, bool started)
    {
        if (Env.IsRunc) return;
        var point = DeletePoints.Single(p => p.Name == fault);
        var b = SleepBundle();
        void Setup(string id)
        {
            R.Create(b, id).Ok();
            if (!started) return;
            R.Start(id).Ok();
            R.WaitForStatus(id, "running");
        }
        int when = point.Resolve(R, (dryId, prefix) =>
        {
            Setup(dryId);
            R.Exec(["delete", "--force", dryId], new ExecOptions { Prefix = prefix }).Ok();
        });

        var id = NewId();
        Setup(id);
        int pid = R.Pid(id);
        var log = R.TempPath($"strace-{id}.log");
        var r = R.Exec(["delete", "--force", id], new ExecOptions { Prefix = point.StracePrefix(R, id, log, when) });
        point.AssertFired(r, log);
        Report($"{fault} ({(started ? "running" : "created")} container)", log);
        AfterFault(id, b, [pid]);
    }

    /// <summary>
    /// The runtime killed while its child is half-way through the mounts: strace -f holds the child at the entry of
    /// its third mount(2), the test then SIGKILLs the runtime (and strace, which holds the child: a traced process
    /// dies only once its tracer lets go). The child has the runtime's death signal set until it is ready.
    /// </summary>
    [Fact]
    public async Task Create_KilledWhileTheInitMounts_DeleteForceRemovesEverything()
    {
        if (Env.IsRunc) return; // runc's mounts happen in a re-executed `runc init`, after other stages
        var b = SleepBundle();
        var id = NewId();
        var log = R.TempPath($"strace-{id}.log");
        FaultPoint.RequireStrace();
        string[] prefix = ["strace", "-f", "-qq", "-o", log, "-e", "trace=mount", "-e", "inject=mount:delay_enter=120s:when=3"];
        var create = Task.Run(() => R.Create(b, id, new ExecOptions { Prefix = prefix, Timeout = TimeSpan.FromSeconds(90) }));

        int child = WaitForTracedStop(id, MountSyscall, log, create);
        int runtime = ParentOf(child);
        int strace = ParentOf(runtime);
        Assert.True(File.ReadAllText($"/proc/{strace}/comm").Trim() == "strace", $"the runtime's parent {strace} is not strace");
        Assert.Equal(0, Native.kill(runtime, 9));
        Host.WaitForExit(runtime, TimeSpan.FromSeconds(10));
        Native.kill(strace, 9);
        var r = await create.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 128 + 9, $"strace (holding the runtime) must die of the SIGKILL:\n{r}");
        Assert.Contains("mount(", File.ReadAllText(log));
        Report("create: killed while the init mounts", log);
        AfterFault(id, b, [child, runtime]);
    }

    /// <summary>
    /// A create in progress (held by strace before it makes exec.fifo) is "creating" in state and list; once it is
    /// killed, the same state dir is "stopped": the status follows whether a live create holds the container's lock.
    /// </summary>
    [Fact]
    public async Task Create_InProgressIsCreating_KilledIsStopped()
    {
        if (Env.IsRunc) return; // runc keeps no state.json before its init is ready: the id "does not exist" meanwhile
        FaultPoint.RequireStrace();
        var b = SleepBundle();
        var id = NewId();
        var log = R.TempPath($"strace-{id}.log");
        string[] prefix = ["strace", "-qq", "-o", log, "-e", "trace=mknodat", "-P", Path.Combine(R.Root, id, "exec.fifo"),
            "-e", "inject=mknodat:delay_enter=120s:when=1"];
        var create = Task.Run(() => R.Create(b, id, new ExecOptions { Prefix = prefix, Timeout = TimeSpan.FromSeconds(90) }));
        int runtime = WaitForTracedStop(id, MknodatSyscall, log, create);

        Assert.Equal("creating", R.Status(id));
        var list = JsonNode.Parse(R.Exec("list", "--format", "json").Ok().Stdout)!.AsArray();
        Assert.Equal("creating", (string?)list.Single(c => (string?)c!["id"] == id)!["status"]);
        Assert.Equal(0, R.State(id)["pid"]!.GetValue<int>());

        int strace = ParentOf(runtime);
        Assert.Equal("strace", File.ReadAllText($"/proc/{strace}/comm").Trim());
        Native.kill(runtime, 9);
        Native.kill(strace, 9); // the runtime, stopped by strace, dies once its tracer is gone
        var r = await create.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(128 + 9, r.ExitCode);
        Host.WaitForExit(runtime, TimeSpan.FromSeconds(10));
        AfterFault(id, b, [runtime]);
    }

    /// <summary>The child killed at its third mount (strace -f): the runtime survives, says so, and undoes the create.</summary>
    [Fact]
    public void Create_InitKilledMidMounts_FailsClearly_LeavesNothing()
    {
        var b = SleepBundle();
        var id = NewId();
        var log = R.TempPath($"strace-{id}.log");
        FaultPoint.RequireStrace();
        string[] prefix = ["strace", "-f", "-qq", "-o", log, "-e", "trace=mount", "-e", "inject=mount:signal=KILL:when=3"];
        var r = R.Create(b, id, new ExecOptions { Prefix = prefix });
        var trace = File.ReadAllText(log);
        Assert.True(trace.Contains("+++ killed by SIGKILL +++"), $"the fault did not fire:\n{trace}");
        r.Fails();
        Env.RunsharpOnly(() => Assert.Contains("the container's init exited before it was ready", r.Stderr));
        Assert.True(R.StateRaw(id).ExitCode == 1, "a failed create must leave no container");
        Leftovers.AssertNone(R, id, "after the failed create", mountRoots: [b.RootfsPath, b.Dir]);
    }

    [Fact]
    public void InitKilledBetweenCreateAndStart_StateStopped_StartFails_DeleteCleansUp()
    {
        var b = SleepBundle();
        var id = NewId();
        R.Create(b, id).Ok();
        int pid = R.Pid(id);
        Assert.Equal(0, Native.kill(pid, 9));
        Host.WaitForExit(pid, TimeSpan.FromSeconds(10));

        R.WaitForStatus(id, "stopped");
        var list = JsonNode.Parse(R.Exec("list", "--format", "json").Ok().Stdout)!.AsArray();
        Assert.Equal("stopped", (string?)list.Single(c => (string?)c!["id"] == id)!["status"]);
        var start = R.Start(id).Fails();
        Assert.Contains("cannot start a container that has stopped", start.Stderr);
        R.Delete(id).Ok();
        Leftovers.AssertNone(R, id, "after delete", [pid], mountRoots: [b.RootfsPath, b.Dir]);
    }

    // ------------------------------------------------------------------ state root faults

    /// <summary>
    /// The state root on a tmpfs with no room left: no blocks (the state dir is made, its files cannot be) or no
    /// inodes (the state dir cannot be made). create fails naming the root, and leaves nothing.
    /// </summary>
    [Theory]
    [InlineData("blocks")]
    [InlineData("inodes")]
    public void StateRootOnFullTmpfs_CreateFailsNamingTheRoot_LeavesNothing(string full)
    {
        var mnt = R.TempPath("full-tmpfs");
        WithTmpfs(mnt, full == "inodes" ? "size=1m,nr_inodes=8" : "size=64k", () =>
        {
            var root = Path.Combine(mnt, "state");
            Directory.CreateDirectory(root);
            if (full == "inodes")
                for (int i = 0; ; i++)
                {
                    try { File.WriteAllText(Path.Combine(mnt, $"f{i}"), ""); }
                    catch (IOException) { break; }
                }
            else
                Sh.Run($"dd if=/dev/zero of={Env.Q(Path.Combine(mnt, "fill"))} bs=4k 2>/dev/null; true");
            Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(mnt, "probe"), "x")); // really full

            // runc 1.1.5 fails too, but with no blocks says "unable to store init state: %!w(<nil>)".
            CreateFailsUnder(root, "no space left on device", runcNamesIt: full == "inodes");
        });
    }

    /// <summary>A read-only state root: the root itself, and a root still to be made inside a read-only mount.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadOnlyStateRoot_CreateFailsNamingTheRoot_LeavesNothing(bool rootExists)
    {
        var mnt = R.TempPath("ro-tmpfs");
        WithTmpfs(mnt, "ro,size=64k", () =>
        {
            var root = rootExists ? mnt : Path.Combine(mnt, "state");
            CreateFailsUnder(root, "read-only file system");
        });
    }

    private void CreateFailsUnder(string root, string reason, bool runcNamesIt = true)
    {
        var b = R.NewBundle().Args("true");
        b.Save();
        var id = NewId();
        try
        {
            var r = R.Exec(["--root", root, "--log", R.LogFile, "--log-format", "json", "create", "--bundle", b.Dir, id],
                new ExecOptions { GlobalFlags = false, StdoutFile = R.OutFile(id) }).Fails();
            if (!Env.IsRunc || runcNamesIt)
            {
                Assert.Contains(root, r.Stderr);
                Assert.Contains(reason, r.Stderr);
            }
            Leftovers.AssertNone(R, id, "after the failed create", stateRoot: root, mountRoots: [b.RootfsPath, b.Dir]);
        }
        finally
        {
            // Whatever a failed create left must not outlive the test (the harness only knows its own --root).
            R.Exec(["--root", root, "delete", "--force", id], new ExecOptions { GlobalFlags = false });
        }
    }

    /// <summary>Mounts a tmpfs (the suite runs in a private mount namespace) for the action, and always unmounts it.</summary>
    private static void WithTmpfs(string dir, string options, Action action)
    {
        Directory.CreateDirectory(dir);
        var m = Sh.Run($"mount -t tmpfs -o {options} tmpfs {Env.Q(dir)}");
        Assert.True(m.ExitCode == 0, $"mount tmpfs: {m.Stderr}");
        try { action(); }
        finally
        {
            var u = Sh.Run($"umount {Env.Q(dir)}");
            Assert.True(u.ExitCode == 0, $"umount {dir}: {u.Stderr}");
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>
    /// What every fault must leave workable: `state` and `list` answer (a half-made container is "stopped", or, for
    /// a runtime that keeps no record of it, "does not exist"), then `delete --force` removes everything.
    /// </summary>
    private void AfterFault(string id, Bundle b, int[] pids)
    {
        var left = Leftovers.Of(R, id, pids, null, TimeSpan.Zero, b.RootfsPath, R.TempDir);
        output.WriteLine($"  left by the fault: {(left.Count == 0 ? "nothing" : string.Join("; ", left))}");
        var st = R.StateRaw(id);
        Assert.True(st.ExitCode is 0 or 1, $"state must not crash after the fault:\n{st}");
        string? status = null;
        if (st.ExitCode == 0)
        {
            var json = JsonNode.Parse(st.Stdout)!.AsObject();
            Assert.Equal(id, (string?)json["id"]);
            status = (string?)json["status"];
            Assert.True(status is "stopped" or "created" or "running", $"unexpected status:\n{st}");
        }
        else Assert.Contains("does not exist", st.Stderr);
        // runsharp: whatever a killed create or delete left is a stopped container until deleted.
        Env.RunsharpOnly(() => Assert.Equal("stopped", status));

        var list = R.Exec("list", "--format", "json");
        Assert.True(list.ExitCode == 0, $"list must not crash after the fault:\n{list}");
        var listed = (JsonNode.Parse(list.Stdout) as JsonArray ?? []).Where(c => (string?)c!["id"] == id).ToList();
        if (status != null) Assert.Equal(status, (string?)Assert.Single(listed)!["status"]);

        if (status == "stopped")
        {
            var start = R.Start(id);
            Assert.True(start.ExitCode == 1, $"start of what a fault left must fail:\n{start}");
        }

        R.Delete(id, force: true).Ok();
        Leftovers.AssertNone(R, id, "after delete --force", pids, mountRoots: [b.RootfsPath, R.TempDir]);
        Assert.True(R.StateRaw(id).ExitCode == 1, "the container must be gone after delete --force");
    }

    /// <summary>Shows where the runtime died (the call strace stopped it in) in the detailed test output.</summary>
    private void Report(string fault, string log)
    {
        var calls = File.ReadAllLines(log).Where(l => !l.StartsWith("+++", StringComparison.Ordinal)).ToList();
        output.WriteLine($"fault '{fault}': killed entering {(calls.Count == 0 ? "?" : calls[^1])}");
    }

    private static int MountSyscall => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 40 : 165;

    private static int MknodatSyscall => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 33 : 259;

    /// <summary>Waits until a process for <paramref name="id"/> (the runtime, or its child: a copy of it) sits at the
    /// entry of syscall <paramref name="nr"/>, held there by strace; returns its pid.</summary>
    private static int WaitForTracedStop(string id, int nr, string log, Task<Result> run)
    {
        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            foreach (var procDir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(procDir), out var pid)) continue;
                try
                {
                    if (!File.ReadAllText(Path.Combine(procDir, "cmdline")).Split('\0').Contains(id)) continue;
                    var syscall = File.ReadAllText(Path.Combine(procDir, "syscall")).Split(' ')[0];
                    if (syscall == nr.ToString() && File.ReadAllText(Path.Combine(procDir, "status")).Contains("(tracing stop)"))
                        return pid;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            Thread.Sleep(20);
        }
        Assert.Fail($"no process of {id} stopped in syscall {nr} under strace; the runtime: " +
                    $"{(run.IsCompleted ? run.Result.ToString() : "still running")}\nstrace log:\n" +
                    (File.Exists(log) ? File.ReadAllText(log) : ""));
        return 0;
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
    }
}
