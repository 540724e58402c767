namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// One engine, started once per test class (an xunit class fixture) and shared by its tests: its private world,
/// the runtime wrapper it is configured with, and the host facts to compare after it stopped. <see cref="Shutdown"/>
/// (the last test of the class, or else Dispose) removes whatever containers are left, stops the daemons gracefully,
/// and reports anything that remains: a state dir in runsharp's root, a process in the world, a container cgroup, a
/// new path, interface or forwarding setting on the host.
/// </summary>
public abstract class EngineFixture : IDisposable
{
    public EngineWorld World { get; }
    public RuntimeWrapper Runtime { get; }
    public HostLeftovers Leftovers { get; }
    public string Dir => World.Dir;

    /// <summary>The cgroup parent every container of this engine is put under (test-owned, removed at the end).</summary>
    public string CgroupParent => Leftovers.CgroupParent;

    private List<string>? _shutdownProblems;

    protected EngineFixture(string name, IEnumerable<string> privateTmpfs, params string[] tools)
    {
        Env.CheckPreconditions();
        if (Environment.GetEnvironmentVariable("RUNSHARP_IT_PRIVATE_MNT") != "1")
            throw new InvalidOperationException("Run the engine tests through scripts/test-engines.sh (as root, in a private mount namespace).");
        foreach (var tool in tools.Append("tini").Append("nsenter").Append("unshare"))
            if (!File.Exists(tool) && Sh.Run($"command -v {Env.Q(tool)}").ExitCode != 0)
                throw new InvalidOperationException($"{tool} is not installed: apt-get install the engines as .ci/run does.");
        _ = BusyboxImage.Archive;
        Leftovers = new HostLeftovers(name);
        World = new EngineWorld(name, privateTmpfs);
        Runtime = new RuntimeWrapper(World.Dir);
    }

    /// <summary>Removes every container the engine still has (after a failed test), through the engine.</summary>
    protected abstract void RemoveAllContainers();

    /// <summary>Stops the engine's daemons (if any) and waits for them to exit.</summary>
    protected abstract void StopDaemons(List<string> problems);

    /// <summary>True for a cgroup directory name that belongs to one container (the runtime must remove it).</summary>
    protected abstract bool IsContainerCgroup(string name);

    private static string Comm(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return $"{stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')]}, state {stat[stat.LastIndexOf(')') + 2]}";
        }
        catch (IOException) { return "gone"; }
    }

    /// <summary>Sends SIGTERM to the world's processes matching <paramref name="name"/> and waits for them to exit.</summary>
    protected void Terminate(string name, List<string> problems, TimeSpan timeout)
    {
        bool Match((int Pid, string Cmdline) p) => p.Cmdline.Split(' ')[0].EndsWith(name, StringComparison.Ordinal);
        foreach (var p in World.Processes().Where(Match)) Native.kill(p.Pid, 15);
        if (!World.WaitUntilGone(Match, timeout)) problems.Add($"{name} did not exit within {timeout.TotalSeconds:0}s of SIGTERM");
    }

    /// <summary>
    /// Stops the engine (once) and returns what it left behind. The last test of each class calls it (see
    /// <see cref="ShutdownLast"/>), so that leftovers fail a test: xunit only prints a fixture's Dispose failure.
    /// </summary>
    public IReadOnlyList<string> Shutdown()
    {
        if (_shutdownProblems is not null) return _shutdownProblems;
        var problems = new List<string>();
        _shutdownProblems = problems;
        try
        {
            try { RemoveAllContainers(); }
            catch (Exception e) { problems.Add($"removing the containers failed: {e.Message}"); }
            // Every container went through `runsharp delete`: the state roots the engine used must be empty.
            foreach (var root in Runtime.Calls().Select(c => c.Root).Distinct())
            {
                var ls = World.Run(["sh", "-c", $"[ ! -d {Env.Q(root)} ] || ls -A {Env.Q(root)}"]);
                if (ls.Out.Length > 0) problems.Add($"runsharp state left in {root}: {ls.Out.Replace('\n', ' ')}");
            }
            try { StopDaemons(problems); }
            catch (Exception e) { problems.Add($"stopping the engine failed: {e.Message}"); }
            // A process that is still exiting (its memory, and so its cmdline, already gone) is given a moment.
            World.WaitUntilGone(_ => true, TimeSpan.FromSeconds(5));
            foreach (var p in World.Processes())
                problems.Add($"process left in the engine's namespace: {p.Pid} {p.Cmdline} ({Comm(p.Pid)})");
        }
        finally
        {
            World.Dispose();
        }
        problems.AddRange(Leftovers.Check(IsContainerCgroup));
        KeepLogs();
        try { Directory.Delete(World.Dir, true); }
        catch (Exception e) { problems.Add($"cannot remove {World.Dir}: {e.Message}"); }
        return problems;
    }

    public void Dispose()
    {
        bool checkedByATest = _shutdownProblems is not null;
        var problems = Shutdown();
        GC.SuppressFinalize(this);
        if (!checkedByATest && problems.Count > 0)
            throw new Xunit.Sdk.XunitException($"{GetType().Name} left things behind:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>
    /// With RUNSHARP_ENGINE_LOGS=DIR, keeps the runtime calls log and the daemons' logs of this engine in DIR/NAME
    /// (to read how an engine called the runtime, or why it failed).
    /// </summary>
    private void KeepLogs()
    {
        var keep = Environment.GetEnvironmentVariable("RUNSHARP_ENGINE_LOGS");
        if (string.IsNullOrEmpty(keep)) return;
        var to = Path.Combine(keep, GetType().Name);
        Directory.CreateDirectory(to);
        foreach (var log in Directory.EnumerateFiles(World.Dir, "*.log", SearchOption.AllDirectories))
            File.Copy(log, Path.Combine(to, Path.GetFileName(log)), overwrite: true);
    }

    /// <summary>Runs a CLI inside the world with a terminal on its stdio (script(1)), as `-t` needs.</summary>
    public CommandResult RunWithTty(IEnumerable<string> argv, TimeSpan? timeout = null) =>
        World.Run(["script", "-qec", string.Join(' ', argv.Select(Env.Q)), "/dev/null"], timeout: timeout);

    /// <summary>True if <paramref name="cgroupPath"/> exists in any mounted cgroup hierarchy (v1 or v2).</summary>
    public static bool CgroupExists(string cgroupPath) =>
        File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && f[2] is "cgroup" or "cgroup2")
            .Any(f => Directory.Exists(Path.Combine(f[1], cgroupPath.TrimStart('/'))));

    /// <summary>The container's freezer state as the host sees it (v1 freezer.state, or v2 cgroup.freeze).</summary>
    public string? FreezerState(string cgroupPath)
    {
        var v1 = Path.Combine("/sys/fs/cgroup/freezer", cgroupPath.TrimStart('/'), "freezer.state");
        if (File.Exists(v1)) return File.ReadAllText(v1).Trim();
        foreach (var m in File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && f[2] == "cgroup2"))
        {
            var v2 = Path.Combine(m[1], cgroupPath.TrimStart('/'), "cgroup.freeze");
            if (File.Exists(v2)) return File.ReadAllText(v2).Trim() == "1" ? "FROZEN" : "THAWED";
        }
        return null;
    }
}
