namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// What a container left on the host, looked up by its id rather than by what the runtime says: its state dir,
/// its cgroup dirs in every hierarchy, its processes (known pids; any process whose command line names the id,
/// as the init does until it execs, since it is a copy of the runtime; any process in a cgroup named after the
/// id) and mounts under the given dirs.
/// </summary>
public static class Leftovers
{
    /// <summary>Everything left, as readable lines (empty: nothing). Waits briefly for killed processes to go.</summary>
    /// <param name="stateRoot">The --root the container was made under, if not the harness's.</param>
    /// <param name="mountRoots">Where no mount may be left (default: the harness's temp dir, which holds the bundles).</param>
    public static List<string> Of(Runtime r, string id, IEnumerable<int>? knownPids = null, string? stateRoot = null, params string[] mountRoots) =>
        Of(r, id, knownPids, stateRoot, TimeSpan.FromSeconds(5), mountRoots);

    /// <param name="processGrace">How long to wait for dying processes to go before counting them (zero: count now).</param>
    public static List<string> Of(Runtime r, string id, IEnumerable<int>? knownPids, string? stateRoot, TimeSpan processGrace, params string[] mountRoots)
    {
        var found = new List<string>();
        var stateDir = Path.Combine(stateRoot ?? r.Root, id);
        if (Directory.Exists(stateDir))
            found.Add($"state dir {stateDir} ({string.Join(", ", Directory.EnumerateFileSystemEntries(stateDir).Select(Path.GetFileName))})");
        // SIGKILLed processes take a moment to be reaped: wait for them (a wait, not a timing assertion).
        var deadline = DateTime.UtcNow + Env.Patience(processGrace);
        List<string> procs;
        while ((procs = ProcessesOf(id, knownPids)).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        found.AddRange(procs);
        foreach (var dir in r.CgroupDirsFor(id))
            if (Directory.Exists(dir)) found.Add($"cgroup dir {dir}");
        foreach (var root in (mountRoots.Length > 0 ? mountRoots : [r.TempDir]).Distinct())
            foreach (var m in Mounts.Under(root))
                found.Add($"mount {m}");
        return found;
    }

    /// <summary>Live processes of the container: known pids, the id in the command line, or a cgroup named after it.</summary>
    public static List<string> ProcessesOf(string id, IEnumerable<int>? knownPids = null)
    {
        var found = new List<string>();
        var known = new HashSet<int>(knownPids ?? []);
        foreach (var procDir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(procDir), out var pid) || pid == Environment.ProcessId) continue;
            if (!Host.ProcessAlive(pid)) continue;
            string cmdline, cgroup;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(procDir, "cmdline")).Replace('\0', ' ');
                cgroup = File.ReadAllText(Path.Combine(procDir, "cgroup"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; } // gone meanwhile
            bool named = cmdline.Split(' ').Contains(id);
            bool inCgroup = cgroup.Split('\n').Any(l => l.EndsWith("/" + id, StringComparison.Ordinal) || l.Contains("/" + id + "/", StringComparison.Ordinal));
            if (known.Contains(pid) || named || inCgroup)
                found.Add($"process {pid} ({cmdline.Trim()}){(inCgroup ? " in the container's cgroup" : "")}");
        }
        return found;
    }

    /// <summary>Asserts nothing is left, listing what is.</summary>
    public static void AssertNone(Runtime r, string id, string when, IEnumerable<int>? knownPids = null, string? stateRoot = null,
        params string[] mountRoots)
    {
        var left = Of(r, id, knownPids, stateRoot, mountRoots);
        Assert.True(left.Count == 0, $"{when}: container {id} left behind:\n  " + string.Join("\n  ", left));
    }
}
