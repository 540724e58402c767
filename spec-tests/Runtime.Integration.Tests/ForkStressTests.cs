using System.Diagnostics;
using Xunit.Abstractions;

namespace Runtime.Integration.Tests;

/// <summary>
/// The fork path, many times in a row (shared DESIGN.md, "conditions"): a child forked from the managed
/// runtime must never hang on a lock another thread held at fork time, and must never fail. Each iteration
/// has its own 10 s limit; a hang is counted (and its runtime killed) rather than stopping the run, so one
/// report shows every hang and failure. After each iteration nothing of the container may be left: no state
/// dir, no cgroup dir; at the end, no process in any of the containers' cgroups (and the harness's
/// Dispose checks state dirs, pids, cgroups and mounts of every id once more).
///
/// Iterations: $RUNSHARP_FORK_STRESS (default 300, to keep CI fast). The long run of the design is
///   RUNSHARP_FORK_STRESS=3000 scripts/test-integration.sh --filter 'FullyQualifiedName~ForkStress' \
///     --logger 'console;verbosity=detailed'
/// (the detailed logger shows the timing summary each test writes).
/// </summary>
public class ForkStressTests(ITestOutputHelper output) : IntegrationTest
{
    private static readonly TimeSpan PerIteration = TimeSpan.FromSeconds(10);
    /// <summary>Stop early once this many iterations went wrong: the report is already conclusive.</summary>
    private const int MaxProblems = 10;

    private static int Iterations()
    {
        var s = Environment.GetEnvironmentVariable("RUNSHARP_FORK_STRESS");
        return int.TryParse(s, out var n) && n > 0 ? n : 300;
    }

    private Bundle TrueBundle()
    {
        var b = R.NewBundle().Args("/bin/true");
        b.Config["hostname"] = "stress";
        return b;
    }

    [Fact]
    public void Run_BinTrue_ManyTimes_NoHangNoFailureNothingLeft()
    {
        var b = TrueBundle();
        var stats = new Stats("run");
        for (int i = 0; i < stats.Target && stats.Problems.Count < MaxProblems; i++)
        {
            var id = $"fs-run-{i}-{Guid.NewGuid().ToString("N")[..6]}";
            stats.Iterate(i, id, () =>
            {
                var r = R.Run(b, id, new ExecOptions { Timeout = PerIteration });
                if (r.ExitCode != 0) return $"exit {r.ExitCode}: {r.Stderr.Trim()} {r.Log.Trim()}";
                return null;
            }, LeftoversOf);
        }
        Finish(stats);
    }

    [Fact]
    public void CreateStartDelete_BinTrue_ManyTimes_NoHangNoFailureNothingLeft()
    {
        var b = TrueBundle();
        var stats = new Stats("create+start+delete");
        for (int i = 0; i < stats.Target && stats.Problems.Count < MaxProblems; i++)
        {
            var id = $"fs-csd-{i}-{Guid.NewGuid().ToString("N")[..6]}";
            stats.Iterate(i, id, () =>
            {
                var o = new ExecOptions { Timeout = PerIteration };
                var c = R.Create(b, id, o);
                if (c.ExitCode != 0) return $"create: exit {c.ExitCode}: {c.Stderr.Trim()} {c.Log.Trim()}";
                var s = R.Exec(["start", id], new ExecOptions { Timeout = PerIteration });
                if (s.ExitCode != 0) return $"start: exit {s.ExitCode}: {s.Stderr.Trim()} {s.Log.Trim()}";
                // /bin/true exits at once; delete needs it stopped (delete of a running container fails).
                R.WaitForStatus(id, "stopped", PerIteration);
                var d = R.Exec(["delete", id], new ExecOptions { Timeout = PerIteration });
                if (d.ExitCode != 0) return $"delete: exit {d.ExitCode}: {d.Stderr.Trim()} {d.Log.Trim()}";
                return null;
            }, LeftoversOf);
        }
        Finish(stats);
    }

    /// <summary>What the container left on the host right after its iteration.</summary>
    private IEnumerable<string> LeftoversOf(string id)
    {
        var stateDir = Path.Combine(R.Root, id);
        if (Directory.Exists(stateDir)) yield return $"state dir {stateDir}";
        foreach (var dir in R.CgroupDirsFor(id))
            if (Directory.Exists(dir)) yield return $"cgroup dir {dir}";
    }

    private void Finish(Stats stats)
    {
        // Any process still in one of the containers' cgroups (a hung init would be there, named runsharp:[INIT]).
        var ids = stats.Ids;
        foreach (var procDir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(procDir), out var pid)) continue;
            string cgroup, comm;
            try
            {
                cgroup = File.ReadAllText(Path.Combine(procDir, "cgroup"));
                comm = File.ReadAllText(Path.Combine(procDir, "comm")).Trim();
            }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var owner = ids.FirstOrDefault(id => cgroup.Contains("/" + id, StringComparison.Ordinal));
            if (owner != null && Host.ProcessAlive(pid))
                stats.Problems.Add($"process {pid} ({comm}) still in the cgroup of {owner}");
        }

        var summary = stats.Summary();
        output.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(stats.Problems.Count == 0,
            $"{summary}\n{stats.Problems.Count} problem(s):\n  " + string.Join("\n  ", stats.Problems.Take(50)));
        Assert.Equal(stats.Target, stats.Done);
    }

    private sealed class Stats(string name)
    {
        public int Target { get; } = Iterations();
        public int Done { get; private set; }
        public int Hangs { get; private set; }
        public int Failures { get; private set; }
        public List<string> Problems { get; } = [];
        public List<string> Ids { get; } = [];
        private readonly List<double> _ms = [];
        private readonly Stopwatch _total = Stopwatch.StartNew();

        public void Iterate(int i, string id, Func<string?> body, Func<string, IEnumerable<string>> leftovers)
        {
            Ids.Add(id);
            var sw = Stopwatch.StartNew();
            string? problem;
            try { problem = body(); }
            catch (Exception e) when (e.Message.Contains("timed out", StringComparison.Ordinal))
            {
                Hangs++;
                Problems.Add($"#{i} {id}: HANG: {e.Message.Split('\n')[0]}");
                Done++;
                return;
            }
            catch (Exception e)
            {
                problem = e.Message.Split('\n')[0];
            }
            sw.Stop();
            Done++;
            _ms.Add(sw.Elapsed.TotalMilliseconds);
            if (problem != null)
            {
                Failures++;
                Problems.Add($"#{i} {id}: {problem}");
            }
            foreach (var l in leftovers(id))
                Problems.Add($"#{i} {id}: left behind: {l}");
        }

        public string Summary()
        {
            var sorted = _ms.OrderBy(x => x).ToArray();
            double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
            return $"fork stress [{name}] via {Path.GetFileName(Env.RuntimePath)}: {Done}/{Target} iterations, {Hangs} hangs, " +
                   $"{Failures} failures, {_total.Elapsed.TotalSeconds:F1} s total; per iteration ms: " +
                   $"mean {(sorted.Length == 0 ? 0 : sorted.Average()):F1}, min {P(0):F1}, median {P(0.5):F1}, " +
                   $"p99 {P(0.99):F1}, max {(sorted.Length == 0 ? 0 : sorted[^1]):F1}";
        }
    }
}
