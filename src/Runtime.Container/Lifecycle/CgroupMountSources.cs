using Runsharp.Cgroups;
using Runsharp.Container.Process;

namespace Runsharp.Container.Lifecycle;

/// <summary>Turns the container's cgroup directories into what a "cgroup" mount shows inside.</summary>
public static class CgroupMountSources
{
    public static CgroupMountSource For(ICgroupManager cgroup)
    {
        var paths = cgroup.Paths;
        if (paths.V1.Count == 0)
            return new CgroupMountSource(true, paths.Unified is null ? [] : [new CgroupMountSource.Hierarchy("", paths.Unified, [])]);
        var list = new List<CgroupMountSource.Hierarchy>();
        foreach (var group in paths.V1.GroupBy(kv => kv.Value, StringComparer.Ordinal))
        {
            var controllers = group.Select(kv => kv.Key).ToList();
            // Name the mount as the host does (its directory under /sys/fs/cgroup); "name=systemd" -> "systemd".
            string name = string.Join(',', controllers.Select(c => c.StartsWith("name=", StringComparison.Ordinal) ? c[5..] : c).Order(StringComparer.Ordinal));
            var aliases = controllers.Count > 1 ? controllers.Where(c => !c.StartsWith("name=", StringComparison.Ordinal)).ToList() : [];
            list.Add(new CgroupMountSource.Hierarchy(name, group.Key, aliases));
        }
        if (paths.Unified is not null) list.Add(new CgroupMountSource.Hierarchy("unified", paths.Unified, []));
        return new CgroupMountSource(false, list);
    }
}
