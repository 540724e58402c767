namespace Runsharp.Cgroups;

/// <summary>The host's cgroup layout, read from /proc/self/mountinfo.</summary>
public sealed class CgroupHost
{
    /// <summary>The v1 controllers the kernel can mount; anything else in super options is a mount flag.</summary>
    static readonly HashSet<string> KnownV1Controllers =
    [
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio",
        "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc",
    ];

    public CgroupMode Mode { get; }

    /// <summary>v1 hierarchies, first mount of each wins (later ones are usually bind mounts).</summary>
    public IReadOnlyList<CgroupMount> V1Mounts { get; }

    /// <summary>The cgroup2 mount: the whole tree on Unified hosts, the controller-less extra on Hybrid ones.</summary>
    public CgroupMount? Unified { get; }

    CgroupHost(CgroupMode mode, IReadOnlyList<CgroupMount> v1, CgroupMount? unified)
    {
        Mode = mode;
        V1Mounts = v1;
        Unified = unified;
    }

    /// <summary>The v1 mount carrying a controller (or "name=systemd"), if mounted.</summary>
    public CgroupMount? V1Mount(string controller) => V1Mounts.FirstOrDefault(m => m.Has(controller));

    /// <summary>Reads this process's mountinfo.</summary>
    public static CgroupHost Detect()
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/self/mountinfo");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CgroupErrors.Io("read", "/proc/self/mountinfo", e);
        }
        return Parse(text);
    }

    /// <summary>One mountinfo line's place in the mount tree.</summary>
    private readonly record struct MountPlace(int Id, int Parent, string MountPoint);

    /// <summary>
    /// Whether mount <paramref name="index"/> is out of sight: a mount was stacked on top of it (a child at its own
    /// place), or its place cannot be reached (<see cref="PlaceReached"/>). The tree, not the lines' order, decides:
    /// a mount moved under a later one has that one as its parent and stays visible.
    /// </summary>
    private static bool IsHidden(List<MountPlace> mounts, int index, Dictionary<int, bool> reached) =>
        StackedOn(mounts, index) || !PlaceReached(mounts, index, reached, 0);

    /// <summary>
    /// Whether a path lookup reaches the mount's place: no sibling (same parent) sits at a place above it, or at its
    /// own place with a later line; and its parent's place is reached, with nothing stacked on the parent (unless
    /// this mount is what is stacked on it).
    /// </summary>
    private static bool PlaceReached(List<MountPlace> mounts, int index, Dictionary<int, bool> reached, int depth)
    {
        if (reached.TryGetValue(index, out var known)) return known;
        var mine = mounts[index];
        bool ok = true;
        for (int j = 0; j < mounts.Count && ok; j++)
        {
            var other = mounts[j];
            if (j == index || other.Parent != mine.Parent || other.MountPoint.Length == 0) continue;
            if (other.MountPoint == mine.MountPoint ? j > index
                : mine.MountPoint.StartsWith(other.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
                ok = false;
        }
        int parent = mounts.FindIndex(m => m.Id == mine.Parent);
        // Bounded: a malformed table with a parent cycle must not recurse forever.
        if (ok && parent >= 0 && parent != index && depth < mounts.Count)
            ok = PlaceReached(mounts, parent, reached, depth + 1) &&
                 (mounts[parent].MountPoint == mine.MountPoint || !StackedOn(mounts, parent));
        reached[index] = ok;
        return ok;
    }

    /// <summary>Whether a mount was made on top of this one (a child at the same place).</summary>
    private static bool StackedOn(List<MountPlace> mounts, int index)
    {
        var mine = mounts[index];
        foreach (var other in mounts)
            if (other.Parent == mine.Id && other.Id != mine.Id && other.MountPoint == mine.MountPoint) return true;
        return false;
    }

    /// <summary>id, parent id and mount point of one line's fields.</summary>
    private static MountPlace PlaceOf(string[] f)
    {
        int id = f.Length > 0 && int.TryParse(f[0], out var i) ? i : -1;
        int parent = f.Length > 1 && int.TryParse(f[1], out var p) ? p : -1;
        return new MountPlace(id, parent, f.Length > 4 ? Unescape(f[4]) : "");
    }

    public static CgroupHost Parse(string mountinfo)
    {
        var v1 = new List<CgroupMount>();
        var cgroup2 = new List<CgroupMount>();
        // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
        var lines = mountinfo.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToList();
        var places = lines.Select(PlaceOf).ToList();
        var reached = new Dictionary<int, bool>();
        for (int i = 0; i < lines.Count; i++)
        {
            var fields = lines[i];
            int dash = fields.Length < 7 ? -1 : Array.IndexOf(fields, "-", 6);
            if (dash < 0 || dash + 3 > fields.Length)
                continue;
            var fsType = fields[dash + 1];
            // A mount that another one covers (at its place, or at a place above it) is hidden: e.g. cgroup2 at
            // /sys/fs/cgroup/unified under a tmpfs makes a hybrid host look like pure v1, as a private namespace may.
            if (fsType is not ("cgroup" or "cgroup2") || IsHidden(places, i, reached))
                continue;
            var root = Unescape(fields[3]);
            var mountPoint = places[i].MountPoint;
            if (fsType == "cgroup2")
            {
                cgroup2.Add(new CgroupMount(mountPoint, root, []));
            }
            else if (fsType == "cgroup")
            {
                var superOptions = dash + 3 < fields.Length ? fields[dash + 3] : "";
                var controllers = superOptions.Split(',')
                    .Where(o => KnownV1Controllers.Contains(o) || o.StartsWith("name=", StringComparison.Ordinal))
                    .ToArray();
                if (controllers.Length == 0)
                    continue;
                // Keep the first mount of each hierarchy; later ones are bind mounts of it.
                if (v1.Any(m => m.Controllers.Intersect(controllers).Any()))
                    continue;
                v1.Add(new CgroupMount(mountPoint, root, controllers));
            }
        }

        // A name=systemd-only v1 mount next to cgroup2 still means the controllers live in v2.
        bool v1Controllers = v1.Any(m => m.Controllers.Any(c => !c.StartsWith("name=", StringComparison.Ordinal)));
        var unified = cgroup2.FirstOrDefault(m => m.MountPoint == "/sys/fs/cgroup")
            ?? cgroup2.FirstOrDefault(m => m.MountPoint == "/sys/fs/cgroup/unified")
            ?? cgroup2.FirstOrDefault();

        if (v1Controllers)
            return new CgroupHost(unified is null ? CgroupMode.Legacy : CgroupMode.Hybrid, v1, unified);
        if (unified is not null)
            return new CgroupHost(CgroupMode.Unified, [], unified);
        throw new CgroupException("no cgroup mount found in /proc/self/mountinfo");
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal.</summary>
    internal static string Unescape(string s)
    {
        if (!s.Contains('\\'))
            return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }
        return sb.ToString();
    }

    static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
