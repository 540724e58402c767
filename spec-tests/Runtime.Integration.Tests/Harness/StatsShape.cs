using System.Text.RegularExpressions;

namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// Comparing the shape of two `events --stats` objects (runc's and runsharp's, for two containers made alike).
/// runc's types.Stats drops some members when they are zero (Go's omitempty), so whether they appear depends on
/// the values of that moment, e.g. memory.cache is there only if the container's cgroup was charged for page cache
/// (the first of the two containers to read busybox is, the second may not be). Only those members may differ;
/// anything else present on one side only is a difference in format.
/// </summary>
public static partial class StatsShape
{
    /// <summary>Paths (".data.memory.cache", optionally followed by ":kind", "[]" or deeper members) of runc's
    /// omitempty members: scalars, lists and maps that Go leaves out when zero or empty.</summary>
    [GeneratedRegex(@"^\.data\.(memory\.cache|memory\.(usage|swap|kernel|kernelTCP)\.(usage|max)|memory\.raw|hugetlb\.[^.]+\.(usage|max)|" +
                    @"cpu\.usage\.(total|percpu|percpu_kernel|percpu_user)|cpu\.throttling\.(periods|throttledPeriods|throttledTime)|" +
                    @"pids\.(current|limit)|cpuset\.(cpus|mems)|blkio\.[A-Za-z]+)(\[\]|\.|:|$)")]
    private static partial Regex OmittedWhenZero();

    /// <summary>The entries of one set or the other that runc's omitempty does not explain (empty: same shape).</summary>
    public static List<string> Unexplained(ISet<string> runc, ISet<string> ours) =>
        runc.Except(ours).Select(k => "only runc's: " + k)
            .Concat(ours.Except(runc).Select(k => "only ours: " + k))
            .Where(k => !OmittedWhenZero().IsMatch(k[(k.IndexOf(": ", StringComparison.Ordinal) + 2)..]))
            .ToList();
}
