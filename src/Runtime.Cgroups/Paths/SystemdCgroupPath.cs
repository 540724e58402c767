namespace Runsharp.Cgroups;

/// <summary>
/// `--systemd-cgroup` without systemd: linux.cgroupsPath in systemd's "slice:prefix:name" form is mapped to the
/// directory systemd itself would use, so engines configured for the systemd driver (containerd's SystemdCgroup,
/// podman's cgroup_manager) get the same tree on a host that has no systemd to ask. "machine-web.slice:cri:abc"
/// becomes /machine.slice/machine-web.slice/cri-abc.scope; the cgroupfs managers then create it as usual.
/// </summary>
public static class SystemdCgroupPath
{
    public const string Field = "linux.cgroupsPath";

    /// <param name="rootless">The default slice is user.slice rather than system.slice.</param>
    public static string ToCgroupfsPath(string? cgroupsPath, string containerId, bool rootless = false)
    {
        string defaultSlice = rootless ? "user.slice" : "system.slice";
        if (string.IsNullOrEmpty(cgroupsPath)) return Expand(defaultSlice) + "/runsharp-" + containerId + ".scope";

        var parts = cgroupsPath.Split(':');
        if (parts.Length != 3)
            throw new CgroupException($"{Field}: with --systemd-cgroup it must look like \"slice:prefix:name\", got \"{cgroupsPath}\"");
        var (slice, prefix, name) = (parts[0], parts[1], parts[2]);
        if (name.Length == 0) throw new CgroupException($"{Field}: the name in \"{cgroupsPath}\" is empty");
        if (name.Contains('/') || prefix.Contains('/'))
            throw new CgroupException($"{Field}: \"{cgroupsPath}\": unit names cannot contain '/'");
        // A name that is itself a slice is the unit; anything else becomes a scope.
        string unit = name.EndsWith(".slice", StringComparison.Ordinal) ? name
            : prefix.Length == 0 ? name + ".scope" : $"{prefix}-{name}.scope";
        string parent = Expand(slice.Length == 0 ? defaultSlice : slice);
        return (parent == "/" ? "" : parent) + "/" + unit;
    }

    /// <summary>"a-b-c.slice" is nested as /a.slice/a-b.slice/a-b-c.slice; "-.slice" is the root.</summary>
    public static string Expand(string slice)
    {
        if (!slice.EndsWith(".slice", StringComparison.Ordinal) || slice.Contains('/'))
            throw new CgroupException($"{Field}: \"{slice}\" is not a slice name (it must end in .slice and contain no '/')");
        if (slice == "-.slice") return "/";
        string stem = slice[..^".slice".Length];
        if (stem.Length == 0 || stem.StartsWith('-') || stem.EndsWith('-') || stem.Contains("--"))
            throw new CgroupException($"{Field}: \"{slice}\" is not a valid slice name");
        var path = new System.Text.StringBuilder();
        int at = -1;
        while ((at = stem.IndexOf('-', at + 1)) >= 0) path.Append('/').Append(stem, 0, at).Append(".slice");
        return path.Append('/').Append(slice).ToString();
    }
}
