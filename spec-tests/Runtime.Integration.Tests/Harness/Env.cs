using System.Text.RegularExpressions;

namespace Runtime.Integration.Tests.Harness;

/// <summary>Where things are: the repo, the runtime under test, and which runtime it is.</summary>
public static class Env
{
    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);

    /// <summary>The repository root: the first ancestor of the test assembly's dir that holds Runtime.sln.</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary>The runtime binary: $RUNTIME, or &lt;repo&gt;/bin/runsharp.</summary>
    public static string RuntimePath
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("RUNTIME");
            return string.IsNullOrWhiteSpace(env) ? Path.Combine(RepoRoot, "bin", "runsharp") : Path.GetFullPath(env);
        }
    }

    /// <summary>True when the suite runs against runc (the reference), false for runsharp.</summary>
    public static bool IsRunc => Path.GetFileName(RuntimePath).StartsWith("runc", StringComparison.Ordinal);

    /// <summary>
    /// Runs an assertion only against runsharp. Use it where runc's wording or behaviour does not meet
    /// our stricter contract (e.g. an error message that names the offending field), so the suite still
    /// validates everything else against runc.
    /// </summary>
    public static void RunsharpOnly(Action assertion)
    {
        if (!IsRunc) assertion();
    }

    /// <summary>Fails (not skips) when preconditions are not met: root, and an existing runtime binary.</summary>
    public static void CheckPreconditions()
    {
        if (Native.geteuid() != 0)
            throw new InvalidOperationException(
                "The integration tests must run as root (euid 0): they create namespaces, mounts and cgroups. " +
                "Run scripts/test-integration.sh as root.");
        var rt = RuntimePath;
        if (!File.Exists(rt))
            throw new InvalidOperationException(
                $"Runtime binary not found: '{rt}'. Publish runsharp to <repo>/bin/runsharp, or set RUNTIME=/path/to/runtime " +
                "(e.g. RUNTIME=/usr/sbin/runc to validate the suite against runc).");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Runtime.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Cannot find Runtime.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>RFC 3339 date-time (with optional fraction and a Z or numeric offset).</summary>
    public static readonly Regex Rfc3339 =
        new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.Compiled);

    /// <summary>
    /// How much slower than a normal machine this one is: $RUNSHARP_IT_SLOW (a whole factor, default 1), set by
    /// scripts/v2-guest.sh because its qemu TCG guest runs everything many times slower. Waits for something to
    /// happen (<see cref="Patience"/>) are stretched by it; no assertion is about time.
    /// </summary>
    public static int SlowFactor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("RUNSHARP_IT_SLOW"), out var f) && f > 1 ? f : 1;

    /// <summary>A time limit for a wait, stretched by <see cref="SlowFactor"/>.</summary>
    public static TimeSpan Patience(TimeSpan limit) => limit * SlowFactor;

    /// <summary>Shell-quotes one argument with single quotes.</summary>
    public static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
