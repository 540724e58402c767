using System.Diagnostics;
using Xunit.Abstractions;

namespace Runtime.Integration.Tests;

/// <summary>Test classes that count host-wide things (the test host's fds, its mount table): run alone.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// Many runtimes at once. 20 concurrent creates of one id: exactly one wins, the others say the id exists.
/// Run/delete cycles in 4 parallel streams: counted before and after, nothing may leak (cgroups in every
/// hierarchy, mounts, the test host's fds, runtime or container processes, state dirs).
///
/// Cycles: $RUNSHARP_RUN_DELETE_CYCLES (default 200). The detailed logger shows the timing:
///   RUNSHARP_RUN_DELETE_CYCLES=1000 scripts/test-integration.sh --filter 'FullyQualifiedName~ConcurrencyTests' \
///     --logger 'console;verbosity=detailed'
/// </summary>
[Collection(nameof(RunsAlone))]
public class ConcurrencyTests(ITestOutputHelper output) : IntegrationTest
{
    private const int Creators = 20, Streams = 4;

    private static int Cycles()
    {
        var s = Environment.GetEnvironmentVariable("RUNSHARP_RUN_DELETE_CYCLES");
        return int.TryParse(s, out var n) && n > 0 ? n : 200;
    }

    /// <summary>A bundle whose config.json is written once, so that concurrent calls never rewrite it under a reader.</summary>
    private Bundle SharedBundle(params string[] args)
    {
        var b = R.NewBundle().Args(args);
        b.Save();
        b.WriteConfig = false;
        return b;
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="count"/> threads released together.</summary>
    private static T[] AllAtOnce<T>(int count, Func<int, T> body)
    {
        var results = new T[count];
        var errors = new Exception?[count];
        using var gate = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            gate.Wait();
            try { results[i] = body(i); }
            catch (Exception e) { errors[i] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        gate.Set();
        threads.ForEach(t => t.Join());
        var failed = errors.Where(e => e != null).ToList();
        if (failed.Count > 0) throw new AggregateException(failed!);
        return results;
    }

    [Fact]
    public void TwentyConcurrentCreatesOfOneId_ExactlyOneSucceeds_OneContainerOneCgroupOneInit()
    {
        var b = SharedBundle("sleep", "100");
        var id = NewId();
        var results = AllAtOnce(Creators, i => R.Create(b, id, new ExecOptions { StdoutFile = R.TempPath($"create-{i}.out") }));

        var won = results.Where(r => r.ExitCode == 0).ToList();
        var lost = results.Where(r => r.ExitCode != 0).ToList();
        Assert.True(won.Count == 1, $"exactly one create must succeed, {won.Count} did:\n" + string.Join("\n", results.Select(r => r.ToString())));
        foreach (var r in lost)
        {
            Assert.True(r.ExitCode == 1, $"a losing create must exit 1:\n{r}");
            Assert.Contains("container with given ID already exists", r.Stderr);
        }

        // One container...
        var list = JsonNode.Parse(R.Exec("list", "--format", "json").Ok().Stdout) as JsonArray ?? [];
        Assert.Single(list, c => (string?)c!["id"] == id);
        var state = R.State(id);
        Assert.Equal("created", (string?)state["status"]);
        int pid = (int)state["pid"]!;
        // ...one cgroup (one dir per hierarchy, holding the init and nothing else)...
        var dirs = R.CgroupDirsFor(id).Where(Directory.Exists).ToList();
        Assert.Equal(Host.OwnCgroups().Count, dirs.Count);
        foreach (var dir in dirs)
        {
            var procs = File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Where(l => l.Length > 0).Select(int.Parse).ToList();
            Assert.True(procs.SequenceEqual([pid]), $"{dir}/cgroup.procs must hold the init {pid} only: {string.Join(",", procs)}");
        }
        // ...and one init: the only live process that belongs to the id.
        var processes = Leftovers.ProcessesOf(id);
        Assert.True(processes.Count == 1 && processes[0].StartsWith($"process {pid} ", StringComparison.Ordinal),
            $"the init {pid} must be the container's only process:\n  " + string.Join("\n  ", processes));

        R.Delete(id, force: true).Ok();
        Leftovers.AssertNone(R, id, "after delete --force", [pid], mountRoots: [b.RootfsPath, R.TempDir]);
    }

    /// <summary>
    /// $RUNSHARP_RUN_DELETE_CYCLES cycles of /bin/true over 4 parallel streams, alternating `run --keep` + `delete`
    /// and `run -d` + `delete --force`. Every command must succeed, and nothing may be left that was not there before.
    /// </summary>
    [Fact]
    public void RunDeleteCycles_FourParallelStreams_LeakNothing()
    {
        int cycles = Cycles();
        var b = SharedBundle("/bin/true");
        var prefix = "cy-" + Guid.NewGuid().ToString("N")[..8] + "-";
        Cycle(b, prefix + "warmup", detached: false); // the test host opens what it keeps open (pipes, epoll) once
        var before = Count(prefix);

        var clock = Stopwatch.StartNew();
        var problems = AllAtOnce(Streams, stream =>
        {
            var mine = new List<string>();
            for (int i = stream; i < cycles; i += Streams)
            {
                var problem = Cycle(b, $"{prefix}{i}", detached: i % 2 == 1);
                if (problem != null) mine.Add($"#{i}: {problem}");
            }
            return mine;
        }).SelectMany(p => p).ToList();
        clock.Stop();

        var after = Count(prefix);
        var summary = $"{cycles} run/delete cycles of /bin/true in {Streams} streams via {Path.GetFileName(Env.RuntimePath)}: " +
                      $"{clock.Elapsed.TotalSeconds:F1} s ({clock.Elapsed.TotalMilliseconds / cycles:F1} ms per cycle); " +
                      $"before {before}; after {after}";
        output.WriteLine(summary);
        Assert.True(problems.Count == 0, $"{summary}\n{problems.Count} failed cycle(s):\n  " + string.Join("\n  ", problems.Take(30)));
        Assert.True(before.Numbers == after.Numbers, $"leaked: {summary}\n{Diff(before, after)}");
    }

    /// <summary>One cycle; null when both commands succeeded.</summary>
    private string? Cycle(Bundle b, string id, bool detached)
    {
        var o = new ExecOptions { StdoutFile = R.TempPath(id + ".out"), Timeout = TimeSpan.FromSeconds(30) };
        var run = detached ? R.Run(b, id, o, "-d") : R.Run(b, id, o, "--keep");
        if (run.ExitCode != 0) return $"run{(detached ? " -d" : " --keep")}: exit {run.ExitCode}: {run.Stderr.Trim()} {run.Log.Trim()}";
        if (!detached)
        {
            var d = R.Exec(["delete", id], new ExecOptions { Timeout = TimeSpan.FromSeconds(30) });
            return d.ExitCode == 0 ? null : $"delete: exit {d.ExitCode}: {d.Stderr.Trim()} {d.Log.Trim()}";
        }
        var f = R.Exec(["delete", "--force", id], new ExecOptions { Timeout = TimeSpan.FromSeconds(30) });
        return f.ExitCode == 0 ? null : $"delete --force: exit {f.ExitCode}: {f.Stderr.Trim()} {f.Log.Trim()}";
    }

    /// <summary>What the cycles could leak, counted host-side.</summary>
    private sealed record Counts(int Cgroups, int Mounts, int HostFds, int Processes, int StateDirs)
    {
        public List<string> CgroupDirs { get; init; } = [];
        public List<string> ProcessLines { get; init; } = [];
        public List<string> MountLines { get; init; } = [];
        public List<string> FdLinks { get; init; } = [];

        public (int, int, int, int, int) Numbers => (Cgroups, Mounts, HostFds, Processes, StateDirs);

        public override string ToString() =>
            $"{{cgroups {Cgroups}, mounts {Mounts}, test-host fds {HostFds}, processes {Processes}, state dirs {StateDirs}}}";
    }

    private Counts Count(string prefix)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers(); // handles of finished Process objects are closed, not just unreachable
        // Cgroups named after the cycles' ids, in every hierarchy, where a runtime puts them (/id or own cgroup/id).
        var cgroups = Host.OwnCgroups()
            .SelectMany(h => new[] { h.Dir, Path.Combine(h.Dir, h.Path.Trim('/')) }.Distinct())
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateDirectories(d, prefix + "*"))
            .ToList();
        // The whole mount table of the suite's private mount namespace (nothing else runs meanwhile).
        var mounts = File.ReadAllLines("/proc/self/mountinfo").ToList();
        var fds = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(f => { try { return $"{Path.GetFileName(f)} -> {new FileInfo(f).LinkTarget}"; } catch (IOException) { return null; } })
            .OfType<string>().ToList();
        // Processes of the cycles: by id (command line or cgroup), or any runtime working on this test's --root.
        var processes = new List<string>();
        foreach (var procDir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(procDir), out var pid) || pid == Environment.ProcessId || !Host.ProcessAlive(pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(procDir, "cmdline")).Replace('\0', ' ');
                var cgroup = File.ReadAllText(Path.Combine(procDir, "cgroup"));
                if (cmdline.Contains(prefix) || cgroup.Contains("/" + prefix) || cmdline.Contains(R.Root))
                    processes.Add($"{pid}: {cmdline.Trim()}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        var stateDirs = Directory.Exists(R.Root) ? Directory.GetFileSystemEntries(R.Root).Length : 0;
        return new Counts(cgroups.Count, mounts.Count, fds.Count, processes.Count, stateDirs)
        {
            CgroupDirs = cgroups, ProcessLines = processes, MountLines = mounts, FdLinks = fds,
        };
    }

    private static string Diff(Counts before, Counts after)
    {
        static IEnumerable<string> New(IEnumerable<string> b, IEnumerable<string> a) => a.Except(b);
        var lines = New(before.CgroupDirs, after.CgroupDirs).Select(c => "cgroup " + c)
            .Concat(New(before.MountLines, after.MountLines).Select(m => "mount " + m))
            .Concat(New(before.FdLinks, after.FdLinks).Select(f => "test-host fd " + f))
            .Concat(New(before.ProcessLines, after.ProcessLines).Select(p => "process " + p));
        return "  " + string.Join("\n  ", lines);
    }
}
