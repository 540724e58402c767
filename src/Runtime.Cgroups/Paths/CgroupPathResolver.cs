namespace Runsharp.Cgroups;

/// <summary>Pure mapping of linux.cgroupsPath to directories, following runc's cgroupfs driver:
/// absolute paths hang under each hierarchy's mount, relative ones under the runtime's own cgroup.</summary>
public static class CgroupPathResolver
{
    /// <param name="defaultParent">Used with the container id when cgroupsPath is empty: "/" gives "/&lt;id&gt;";
    /// "" gives runc's exact default, "&lt;id&gt;" relative to the runtime's own cgroup.</param>
    public static CgroupPaths Resolve(CgroupHost host, OwnCgroup own, string? cgroupsPath, string containerId, string defaultParent = "/")
    {
        string path = string.IsNullOrEmpty(cgroupsPath)
            ? Clean(JoinDefault(defaultParent, containerId))
            : Clean(cgroupsPath);
        bool absolute = path.StartsWith('/');

        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in host.V1Mounts)
        {
            string dir = absolute
                ? Join(mount.MountPoint, path)
                : Join(Join(mount.MountPoint, OwnWithinMount(mount, OwnV1(own, mount))), path);
            foreach (var controller in mount.Controllers)
                v1[controller] = dir;
        }

        string? unified = null;
        if (host.Unified is { } u)
        {
            if (absolute)
            {
                unified = Join(u.MountPoint, path);
            }
            else
            {
                var mine = OwnWithinMount(u, own.Unified ?? "/");
                // On pure v2 our own cgroup already holds processes, so controllers cannot be enabled
                // for its children (no internal processes rule); runc uses its parent for that reason.
                if (host.Mode == CgroupMode.Unified)
                    mine = Parent(mine);
                unified = Join(Join(u.MountPoint, mine), path);
            }
        }
        return new CgroupPaths(path, v1, unified);
    }

    static string JoinDefault(string parent, string id)
    {
        if (id.Length == 0 || id.Contains('/') || id is "." or "..")
            throw new CgroupException($"invalid container id for a cgroup name: '{id}'");
        return parent.Length == 0 ? id : parent.TrimEnd('/') + "/" + id;
    }

    /// <summary>Lexically cleans a cgroup path; ".." that would climb above where the path starts is rejected.</summary>
    public static string Clean(string path)
    {
        bool absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    throw new CgroupException($"invalid cgroup path '{path}': it escapes the cgroup root");
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        if (parts.Count == 0)
            throw new CgroupException($"invalid cgroup path '{path}': it names the root of the hierarchy");
        return (absolute ? "/" : "") + string.Join('/', parts);
    }

    static string OwnV1(OwnCgroup own, CgroupMount mount)
    {
        foreach (var c in mount.Controllers)
            if (own.V1.TryGetValue(c, out var p))
                return p;
        return "/";
    }

    /// <summary>/proc/self/cgroup shows paths from the cgroup namespace root, a mount may expose a
    /// sub-tree (nested containers without cgroupns): strip the mount's root. If we are outside it,
    /// fall back to the mount root.</summary>
    internal static string OwnWithinMount(CgroupMount mount, string own)
    {
        var root = mount.Root.TrimEnd('/');
        if (root.Length == 0)
            return own;
        if (own == root)
            return "/";
        return own.StartsWith(root + "/", StringComparison.Ordinal) ? own[root.Length..] : "/";
    }

    static string Parent(string p)
    {
        var trimmed = p.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    internal static string Join(string a, string b)
    {
        var tail = b.Trim('/');
        if (tail.Length == 0)
            return a.Length > 1 ? a.TrimEnd('/') : a;
        return a.TrimEnd('/') + "/" + tail;
    }
}
