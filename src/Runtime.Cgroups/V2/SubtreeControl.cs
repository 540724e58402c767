namespace Runsharp.Cgroups.V2;

/// <summary>Enabling v2 controllers for a new cgroup: each ancestor must list them in cgroup.subtree_control.</summary>
internal static class SubtreeControl
{
    internal static IReadOnlyList<string> ReadList(string dir, string file) =>
        CgroupFiles.Exists(dir, file)
            ? CgroupFiles.Read(dir, file).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : [];

    /// <summary>Top-down from the hierarchy root to the leaf's parent, enable what is wanted and offered.
    /// A controller the kernel refuses (e.g. a parent with processes in it) is skipped: Set reports it if it
    /// is actually needed.</summary>
    internal static void EnableDownTo(string leaf, IReadOnlyList<string> wanted)
    {
        var ancestors = new Stack<string>();
        for (var dir = Path.GetDirectoryName(leaf); dir is not null && CgroupFiles.Exists(dir, "cgroup.subtree_control"); dir = Path.GetDirectoryName(dir))
            ancestors.Push(dir);
        while (ancestors.Count > 0)
        {
            var dir = ancestors.Pop();
            var offered = ReadList(dir, "cgroup.controllers");
            var enabled = ReadList(dir, "cgroup.subtree_control");
            var missing = wanted.Where(c => offered.Contains(c) && !enabled.Contains(c)).ToArray();
            if (missing.Length == 0)
                continue;
            try
            {
                CgroupFiles.Write(dir, "cgroup.subtree_control", string.Join(' ', missing.Select(c => "+" + c)));
            }
            catch (CgroupException)
            {
                foreach (var c in missing)
                {
                    try
                    {
                        CgroupFiles.Write(dir, "cgroup.subtree_control", "+" + c);
                    }
                    catch (CgroupException)
                    {
                        // Left off; see the summary.
                    }
                }
            }
        }
    }
}
