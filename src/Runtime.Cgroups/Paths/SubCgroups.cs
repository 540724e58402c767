namespace Runsharp.Cgroups;

/// <summary>
/// `exec --cgroup`: sub-cgroups of the container's cgroup that the new process joins instead of the container's
/// own. runc's two forms: one PATH for every hierarchy (the only form cgroup v2 takes), or
/// CONTROLLER[,CONTROLLER...]:PATH for v1 controllers, repeatable. Paths are relative to the container's cgroup
/// ("/a" is "a"); ".." may not climb out of it. The sub-cgroups must exist: they are made by whoever manages them
/// (runc does not create them either).
/// </summary>
/// <param name="All">The PATH of the first form, or null.</param>
/// <param name="ByController">Controller to PATH, from the second form.</param>
public sealed record SubCgroups(string? All, IReadOnlyDictionary<string, string> ByController)
{
    /// <summary>Parses the --cgroup values (at least one).</summary>
    public static SubCgroups Parse(IReadOnlyList<string> args)
    {
        string? all = null;
        var byController = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in args)
        {
            int colon = arg.IndexOf(':');
            if (colon < 0)
            {
                if (args.Count != 1) throw new CgroupException($"invalid --cgroup argument: {arg} (missing <controller>: prefix)");
                all = arg;
                continue;
            }
            string path = arg[(colon + 1)..];
            foreach (var controller in arg[..colon].Split(','))
            {
                if (controller.Length == 0) throw new CgroupException($"invalid --cgroup argument: {arg} (empty <controller> prefix)");
                if (!byController.TryAdd(controller, path))
                    throw new CgroupException($"invalid --cgroup argument(s): controller {controller} specified multiple times");
            }
        }
        return new SubCgroups(all, byController);
    }

    /// <summary>
    /// The directories the process joins: the container's <paramref name="container"/> paths with the named
    /// hierarchies moved down to their sub-cgroup. Co-mounted v1 controllers share one directory, so naming one
    /// of them moves the whole hierarchy (and naming two with different paths is an error).
    /// </summary>
    public CgroupPaths Apply(CgroupPaths container, CgroupMode mode)
    {
        if (All is not null)
        {
            string sub = Relative(All, All);
            return new CgroupPaths(container.Path,
                container.V1.ToDictionary(kv => kv.Key, kv => Join(kv.Value, sub), StringComparer.Ordinal),
                container.Unified is null ? null : Join(container.Unified, sub));
        }
        if (mode == CgroupMode.Unified)
        {
            var (first, _) = ByController.First();
            throw new CgroupException($"exec --cgroup {first}:{ByController[first]}: cgroup v2 has a single hierarchy, " +
                "so name the sub-cgroup without a controller (--cgroup PATH)");
        }

        var moved = new Dictionary<string, (string Dir, string By)>(StringComparer.Ordinal); // container dir -> target
        foreach (var (controller, path) in ByController)
        {
            if (!container.V1.TryGetValue(controller, out var dir))
                throw new CgroupException($"exec --cgroup {controller}:{path}: unknown controller {controller} " +
                    $"(the container's cgroup has {string.Join(", ", container.V1.Keys.Order(StringComparer.Ordinal))})");
            string target = Join(dir, Relative($"{controller}:{path}", path));
            if (moved.TryGetValue(dir, out var earlier) && earlier.Dir != target)
                throw new CgroupException($"exec --cgroup: {earlier.By} and {controller} share one hierarchy ({dir}), " +
                    "so they cannot go to different sub-cgroups");
            moved[dir] = (target, controller);
        }
        return new CgroupPaths(container.Path,
            container.V1.ToDictionary(kv => kv.Key, kv => moved.TryGetValue(kv.Value, out var m) ? m.Dir : kv.Value, StringComparer.Ordinal),
            container.Unified);
    }

    /// <summary>The path cleaned lexically and made relative ("" is the container's cgroup itself).</summary>
    private static string Relative(string arg, string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    throw new CgroupException($"exec --cgroup {arg}: {path} is not a sub-cgroup of the container's cgroup (it climbs out with '..')");
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    private static string Join(string dir, string sub) => sub.Length == 0 ? dir : dir.TrimEnd('/') + "/" + sub;
}
