namespace Runsharp.Cgroups.V2;

/// <summary>
/// linux.resources.unified: cgroup v2 files written as given, in the spec's order and after the typed resources, so
/// that they win where both set the same file (as in runc). The files through which the runtime manages the cgroup
/// (membership, the tree's shape, freezing and killing) are refused: writing them would undo its bookkeeping.
/// </summary>
internal static class UnifiedFiles
{
    static readonly HashSet<string> Managed =
        ["cgroup.procs", "cgroup.threads", "cgroup.subtree_control", "cgroup.type", "cgroup.freeze", "cgroup.kill"];

    internal static void Write(string dir, Dictionary<string, string> files)
    {
        foreach (var (name, value) in files)
        {
            string field = $"linux.resources.unified[\"{name}\"]";
            if (Managed.Contains(name))
                throw new CgroupException($"{field}: {name} is managed by the runtime and cannot be set");
            if (!CgroupFiles.Exists(dir, name))
            {
                // A controller's files exist only where its parent enables it: say which, as for the typed resources.
                var controller = name.Split('.')[0];
                if (controller != "cgroup" && !SubtreeControl.ReadList(dir, "cgroup.controllers").Contains(controller))
                    throw new CgroupException($"{field}: cgroup controller '{controller}' is not available in {dir}", CgroupErrors.ENOENT);
                throw new CgroupException($"{field}: {dir} has no such file", CgroupErrors.ENOENT);
            }
            try
            {
                CgroupFiles.Write(dir, name, value);
            }
            catch (CgroupException e)
            {
                throw new CgroupException($"{field}: {e.Message}", e.Errno, e);
            }
        }
    }
}
