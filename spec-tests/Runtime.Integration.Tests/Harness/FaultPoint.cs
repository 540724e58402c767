namespace Runtime.Integration.Tests.Harness;

/// <summary>Which of the matching calls the fault hits.</summary>
public enum Pick { First, Middle, Last }

/// <summary>
/// A place to SIGKILL the runtime, with no hook in the product: strace (Debian's strace 6.x) stops the runtime
/// when it enters the Nth call of <see cref="Syscall"/>, delivers SIGKILL, and the call never runs
/// (`-e inject=SYSCALL:signal=KILL:when=N`). Only the runtime's main thread is traced (no -f), which is the
/// thread that does the work; the container's init is not traced.
///
/// The call is found by its path, never by a fixed count: with <see cref="PathFilter"/>, strace's -P counts only
/// the calls on <see cref="Paths"/> (so First needs no dry run); otherwise (rename, whose -P match ignores the
/// new name) a dry run of the same operation under strace lists the calls, and N is the position of the
/// picked one among those whose text names a path. The dry run uses another container id; its paths are
/// rewritten, since the count of calls does not depend on the id.
/// </summary>
public sealed record FaultPoint(string Name, string Syscall, Func<Runtime, string, IReadOnlyList<string>> Paths, Pick Which,
    bool PathFilter = true, bool AfterFork = false)
{
    /// <summary>
    /// A call with no path to find it by, placed by the fork instead: <see cref="AfterFork"/> points hit the first
    /// <see cref="Syscall"/> after the clone that makes the init (clone3 or clone with SIGCHLD; the runtime's own
    /// threads are clone3s without it). The dry run traces both; the count of calls before the fork is fixed.
    /// </summary>
    public static FaultPoint AfterTheFork(string name, string syscall) => new(name, syscall, (_, _) => [], Pick.First, false, true);

    public override string ToString() => Name;

    /// <summary>strace and its options for one run: a dry run (when is null: trace only) or the fault itself.</summary>
    public IReadOnlyList<string> StracePrefix(Runtime r, string id, string log, int? when)
    {
        RequireStrace();
        string traced = AfterFork && when is null ? $"{Syscall},clone,clone3" : Syscall;
        var words = new List<string> { "strace", "-qq", "-o", log, "-e", "trace=" + traced };
        if (when is { } n) words.AddRange(["-e", $"inject={Syscall}:signal=KILL:when={n}"]);
        if (PathFilter)
            foreach (var p in Paths(r, id)) words.AddRange(["-P", p]);
        return words;
    }

    /// <summary>
    /// N for <see cref="StracePrefix"/>: 1 for the first call on a -P path, else from a dry run of
    /// <paramref name="dryRun"/> (given the prefix and a fresh id; it must leave nothing, e.g. by deleting).
    /// </summary>
    public int Resolve(Runtime r, Action<string, IReadOnlyList<string>> dryRun)
    {
        if (PathFilter && Which == Pick.First && !AfterFork) return 1;
        var id = Runtime.NewId();
        var log = r.TempPath($"strace-dry-{id}.log");
        dryRun(id, StracePrefix(r, id, log, null));
        if (AfterFork)
        {
            var lines = File.ReadAllLines(log);
            int fork = Array.FindIndex(lines, l => (l.StartsWith("clone3(", StringComparison.Ordinal) || l.StartsWith("clone(", StringComparison.Ordinal))
                && l.Contains("SIGCHLD", StringComparison.Ordinal));
            Assert.True(fork >= 0, $"fault point '{Name}': the dry run made no fork:\n{string.Join('\n', lines)}");
            int before = lines.Take(fork).Count(l => l.StartsWith(Syscall + "(", StringComparison.Ordinal));
            Assert.True(lines.Skip(fork).Any(l => l.StartsWith(Syscall + "(", StringComparison.Ordinal)),
                $"fault point '{Name}': no {Syscall} after the fork in the dry run:\n{string.Join('\n', lines)}");
            return before + 1;
        }
        var calls = File.ReadAllLines(log).Where(l => l.StartsWith(Syscall + "(", StringComparison.Ordinal)).ToList();
        var paths = Paths(r, id);
        var matching = Enumerable.Range(1, calls.Count)
            .Where(i => PathFilter || paths.Any(p => calls[i - 1].Contains($"\"{p}\"", StringComparison.Ordinal))).ToList();
        Assert.True(matching.Count > 0,
            $"fault point '{Name}': the dry run made no {Syscall} call on {string.Join(", ", paths)}:\n{File.ReadAllText(log)}");
        return Which switch
        {
            Pick.First => matching[0],
            Pick.Last => matching[^1],
            _ => matching[(matching.Count - 1) / 2],
        };
    }

    /// <summary>Fails (not skips) without strace: the fault tests are part of the suite.</summary>
    public static void RequireStrace()
    {
        if (!(Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Any(d => File.Exists(Path.Combine(d, "strace"))))
            throw new InvalidOperationException("strace is needed by the fault-injection tests (Debian: apt-get install strace; .ci/run installs it)");
    }

    /// <summary>Asserts that the fault hit: the runtime died of SIGKILL entering the call (strace's log says so).</summary>
    public void AssertFired(Result result, string log)
    {
        var text = File.Exists(log) ? File.ReadAllText(log) : "(no strace log)";
        Assert.True(result.ExitCode == 128 + 9 && text.Contains("+++ killed by SIGKILL +++", StringComparison.Ordinal),
            $"fault point '{Name}' did not fire (the runtime must die of SIGKILL):\n{result}\nstrace log:\n{text}");
    }
}
