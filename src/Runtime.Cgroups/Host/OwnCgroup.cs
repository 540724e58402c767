namespace Runsharp.Cgroups;

/// <summary>The cgroups a process belongs to, from /proc/&lt;pid&gt;/cgroup. Relative cgroupsPath values
/// resolve against these (runc does the same, per controller on v1).</summary>
public sealed class OwnCgroup
{
    /// <summary>v1 controller (or "name=systemd") to cgroup path.</summary>
    public IReadOnlyDictionary<string, string> V1 { get; }

    /// <summary>The "0::" entry, if the process is in a cgroup2 hierarchy.</summary>
    public string? Unified { get; }

    public OwnCgroup(IReadOnlyDictionary<string, string> v1, string? unified)
    {
        V1 = v1;
        Unified = unified;
    }

    public static OwnCgroup Read(int pid = 0)
    {
        var path = pid > 0 ? $"/proc/{pid}/cgroup" : "/proc/self/cgroup";
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CgroupErrors.Io("read", path, e);
        }
    }

    /// <summary>Pure: lines are "hierarchy-id:controller,list:/path"; "0::/path" is cgroup2.</summary>
    public static OwnCgroup Parse(string text)
    {
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        string? unified = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            var first = line.IndexOf(':');
            var second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0)
                continue;
            var controllers = line.Substring(first + 1, second - first - 1);
            var path = line[(second + 1)..];
            if (controllers.Length == 0)
            {
                if (line.AsSpan(0, first).SequenceEqual("0"))
                    unified = path;
                continue;
            }
            foreach (var c in controllers.Split(','))
                v1.TryAdd(c, path);
        }
        return new OwnCgroup(v1, unified);
    }
}
