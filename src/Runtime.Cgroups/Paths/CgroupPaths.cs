namespace Runsharp.Cgroups;

/// <summary>Where a container's cgroup lives on this host.</summary>
/// <param name="Path">The cleaned cgroup path as configured: absolute ("/foo/bar") or relative ("foo/bar") to the
/// runtime's own cgroup.</param>
/// <param name="V1">v1 controller (and "name=systemd") to directory; co-mounted controllers share one directory.</param>
/// <param name="Unified">The cgroup2 directory (all of it on Unified hosts, the extra hierarchy on Hybrid hosts).</param>
public sealed record CgroupPaths(string Path, IReadOnlyDictionary<string, string> V1, string? Unified)
{
    /// <summary>Every distinct directory, v1 hierarchies first, in mount order.</summary>
    public IReadOnlyList<string> AllDirs =>
        V1.Values.Distinct(StringComparer.Ordinal).Concat(Unified is null ? [] : [Unified]).ToArray();

    /// <summary>Per directory, how many trailing components Create() would make now: what a record written before
    /// Create() must say, so a create killed half-way can still be cleaned up (and no more than that).</summary>
    public Dictionary<string, int> MissingDepths()
    {
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var dir in AllDirs)
        {
            int missing = 0;
            for (var d = dir; d is not null && !Directory.Exists(d); d = System.IO.Path.GetDirectoryName(d)) missing++;
            depths[dir] = missing;
        }
        return depths;
    }
}
