namespace Runtime.Integration.Tests.Harness;

/// <summary>How the machine running the suite mounts cgroups.</summary>
public enum CgroupLayout
{
    /// <summary>Only v1 hierarchies under /sys/fs/cgroup/&lt;controller&gt;.</summary>
    PureV1,
    /// <summary>v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified (the dev machines and CI).</summary>
    Hybrid,
    /// <summary>cgroup2 at /sys/fs/cgroup holding every controller (the v2 guest of scripts/v2-guest.sh).</summary>
    PureV2,
}

/// <summary>
/// The host's cgroup layout, detected once from the test process's mountinfo (the suite's private mount namespace
/// has the host's cgroup mounts), and where a container's cgroup lives in it. Tests that read cgroup files go
/// through here so the same assertion runs on every layout: a v1 file on v1 and hybrid hosts, its v2 counterpart on
/// pure v2 (see <see cref="CgroupLimits"/>).
/// </summary>
public static class HostCgroups
{
    public const string Root = "/sys/fs/cgroup";

    private static readonly Lazy<CgroupLayout> LayoutLazy = new(() => Detect(File.ReadAllText("/proc/self/mountinfo")));

    public static CgroupLayout Layout => LayoutLazy.Value;

    public static bool IsV2 => Layout == CgroupLayout.PureV2;

    /// <summary>Pure: the layout from mountinfo text. The last mount at a place is the one seen there.</summary>
    public static CgroupLayout Detect(string mountinfo)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal); // mount point -> fs type
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 5 || dash + 1 >= f.Length) continue;
            seen[f[4]] = f[dash + 1];
        }
        if (seen.GetValueOrDefault(Root) == "cgroup2") return CgroupLayout.PureV2;
        bool v1 = seen.Any(kv => kv.Value == "cgroup" && kv.Key.StartsWith(Root + "/", StringComparison.Ordinal));
        if (!v1)
            throw new InvalidOperationException("no cgroup hierarchy under /sys/fs/cgroup: the cgroup tests need one");
        return seen.GetValueOrDefault(Root + "/unified") == "cgroup2" ? CgroupLayout.Hybrid : CgroupLayout.PureV1;
    }

    /// <summary>Where the cgroup2 tree is mounted: /sys/fs/cgroup on pure v2, /sys/fs/cgroup/unified on a hybrid
    /// host (no controllers there), none on pure v1.</summary>
    public static string? Cgroup2Root => Layout switch
    {
        CgroupLayout.PureV2 => Root,
        CgroupLayout.Hybrid => Path.Combine(Root, "unified"),
        _ => null,
    };

    /// <summary>The directory of cgroup <paramref name="path"/> for a controller: /sys/fs/cgroup/&lt;controller&gt;/path
    /// on v1 and hybrid hosts, /sys/fs/cgroup/path on pure v2 (one tree for every controller).</summary>
    public static string Dir(string controller, string path) =>
        IsV2 ? Join(Root, path) : Join(Path.Combine(Root, controller), path);

    /// <summary>The directory every layout has for a cgroup: the memory hierarchy's on v1, the one tree on v2.</summary>
    public static string Dir(string path) => Dir("memory", path);

    /// <summary>Every hierarchy root the host has: each v1 mount (and the unified one) under /sys/fs/cgroup, or
    /// /sys/fs/cgroup itself on pure v2.</summary>
    public static IReadOnlyList<string> Hierarchies() =>
        IsV2 ? [Root] : Directory.GetDirectories(Root).Where(d => !IsSymlink(d)).ToList();

    /// <summary>Where cgroup <paramref name="path"/> still exists, in any hierarchy (empty: nowhere).</summary>
    public static List<string> Remaining(string path) =>
        Hierarchies().Select(h => Join(h, path)).Where(Directory.Exists).ToList();

    /// <summary>The path inside a container of a controller's file in its own cgroup, as the "cgroup" mount of the
    /// default bundle shows it: /sys/fs/cgroup/&lt;controller&gt;/file on v1, /sys/fs/cgroup/file on v2.</summary>
    public static string Inside(string controller, string file) =>
        IsV2 ? $"{Root}/{file}" : $"{Root}/{controller}/{file}";

    /// <summary>The cgroup path of a process in a controller's hierarchy, from /proc/PID/cgroup ("0::" on v2).</summary>
    public static string CgroupOf(int pid, string controller)
    {
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (IsV2 ? parts[0] == "0" && parts[1].Length == 0 : parts[1].Split(',').Contains(controller))
                return parts[2];
        }
        throw new InvalidOperationException($"process {pid} has no {(IsV2 ? "cgroup2" : controller)} cgroup");
    }

    /// <summary>Where a runtime puts a relative cgroupsPath (runc's cgroupfs driver, which runsharp follows): under
    /// its own cgroup on v1; under that cgroup's parent on pure v2, where its own cgroup holds processes and so
    /// cannot enable controllers for children.</summary>
    public static string RelativeBase(string own) =>
        IsV2 ? (own.TrimEnd('/').LastIndexOf('/') is var i and > 0 ? own.TrimEnd('/')[..i] : "/") : own;

    private static bool IsSymlink(string path) => new FileInfo(path).LinkTarget is not null;

    private static string Join(string dir, string path) =>
        path.Trim('/').Length == 0 ? dir : Path.Combine(dir, path.TrimStart('/'));
}

/// <summary>
/// A test of cgroup v1 behaviour that pure cgroup v2 does not have: it runs on v1 and hybrid hosts and is skipped on
/// pure v2 with the reason, which names the test that covers the v2 side.
/// </summary>
public sealed class V1CgroupsFactAttribute : FactAttribute
{
    public V1CgroupsFactAttribute(string whyNotOnV2)
    {
        if (HostCgroups.IsV2) Skip = "cgroup v1 only: " + whyNotOnV2;
    }
}

/// <summary>The theory form of <see cref="V1CgroupsFactAttribute"/>.</summary>
public sealed class V1CgroupsTheoryAttribute : TheoryAttribute
{
    public V1CgroupsTheoryAttribute(string whyNotOnV2)
    {
        if (HostCgroups.IsV2) Skip = "cgroup v1 only: " + whyNotOnV2;
    }
}

/// <summary>A test of pure cgroup v2 behaviour (every controller in the one tree): skipped elsewhere, with the reason.</summary>
public sealed class V2CgroupsFactAttribute : FactAttribute
{
    public V2CgroupsFactAttribute(string whyOnlyOnV2)
    {
        if (!HostCgroups.IsV2) Skip = "pure cgroup v2 only (scripts/v2-guest.sh runs it): " + whyOnlyOnV2;
    }
}
