namespace Runsharp.Cgroups.Tests;

public class PathResolutionTests
{
    static readonly OwnCgroup Own = OwnCgroup.Parse("""
        9:name=systemd:/sys.slice
        4:memory:/process_api/3b1e
        1:cpu:/
        8:pids:/docker/abc/inner
        0::/user.slice/session-2.scope
        """);

    static CgroupHost Host(string mode) => mode switch
    {
        "hybrid" => CgroupHost.Parse(MountinfoSamples.Hybrid),
        "legacy" => CgroupHost.Parse(MountinfoSamples.Legacy),
        "unified" => CgroupHost.Parse(MountinfoSamples.Unified),
        "nested" => CgroupHost.Parse(MountinfoSamples.NestedLegacy),
        _ => throw new ArgumentException(mode),
    };

    static string? Dir(CgroupPaths p, string key) => key == "unified" ? p.Unified : p.V1.GetValueOrDefault(key);

    [Theory]
    // Absolute: the same path under every hierarchy.
    [InlineData("hybrid", "/foo/bar", "memory", "/sys/fs/cgroup/memory/foo/bar")]
    [InlineData("hybrid", "/foo/bar", "name=systemd", "/sys/fs/cgroup/systemd/foo/bar")]
    [InlineData("hybrid", "/foo/bar", "unified", "/sys/fs/cgroup/unified/foo/bar")]
    [InlineData("legacy", "/foo/bar", "cpuacct", "/sys/fs/cgroup/cpu,cpuacct/foo/bar")]
    [InlineData("legacy", "/foo/bar", "unified", null)]
    [InlineData("unified", "/foo/bar", "unified", "/sys/fs/cgroup/foo/bar")]
    [InlineData("hybrid", "//foo/./bar/", "memory", "/sys/fs/cgroup/memory/foo/bar")]
    [InlineData("hybrid", "/foo/x/../bar", "memory", "/sys/fs/cgroup/memory/foo/bar")]
    // Relative: under our own cgroup, per controller on v1.
    [InlineData("hybrid", "foo/bar", "memory", "/sys/fs/cgroup/memory/process_api/3b1e/foo/bar")]
    [InlineData("hybrid", "foo/bar", "cpu", "/sys/fs/cgroup/cpu/foo/bar")]
    [InlineData("hybrid", "foo/bar", "blkio", "/sys/fs/cgroup/blkio/foo/bar")]
    [InlineData("hybrid", "foo/bar", "name=systemd", "/sys/fs/cgroup/systemd/sys.slice/foo/bar")]
    [InlineData("hybrid", "foo/bar", "unified", "/sys/fs/cgroup/unified/user.slice/session-2.scope/foo/bar")]
    // Pure v2: the parent of our own cgroup, which has no processes of its own (runc).
    [InlineData("unified", "foo/bar", "unified", "/sys/fs/cgroup/user.slice/foo/bar")]
    // Nested without cgroupns: /proc/self/cgroup shows host paths; strip the mount's root.
    [InlineData("nested", "foo", "pids", "/sys/fs/cgroup/pids/inner/foo")]
    [InlineData("nested", "foo", "memory", "/sys/fs/cgroup/memory/foo")]
    [InlineData("nested", "/foo", "memory", "/sys/fs/cgroup/memory/foo")]
    public void Resolves(string mode, string cgroupsPath, string key, string? expected)
    {
        var paths = CgroupPathResolver.Resolve(Host(mode), Own, cgroupsPath, "ctr");
        Assert.Equal(expected, Dir(paths, key));
    }

    [Theory]
    [InlineData("/", "memory", "/sys/fs/cgroup/memory/ctr1", "/ctr1")]
    [InlineData("/runsharp", "memory", "/sys/fs/cgroup/memory/runsharp/ctr1", "/runsharp/ctr1")]
    [InlineData("/runsharp/", "unified", "/sys/fs/cgroup/unified/runsharp/ctr1", "/runsharp/ctr1")]
    [InlineData("", "memory", "/sys/fs/cgroup/memory/process_api/3b1e/ctr1", "ctr1")]
    public void Empty_path_uses_parent_and_id(string parent, string key, string expected, string expectedPath)
    {
        var paths = CgroupPathResolver.Resolve(Host("hybrid"), Own, "", "ctr1", parent);
        Assert.Equal(expected, Dir(paths, key));
        Assert.Equal(expectedPath, paths.Path);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/../../etc")]
    [InlineData("foo/../../bar")]
    [InlineData("/")]
    [InlineData("./")]
    public void Escapes_and_roots_are_rejected(string cgroupsPath)
    {
        var e = Assert.Throws<CgroupException>(() => CgroupPathResolver.Resolve(Host("hybrid"), Own, cgroupsPath, "ctr"));
        Assert.StartsWith($"invalid cgroup path '{cgroupsPath}'", e.Message);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    public void Bad_container_ids_are_rejected_for_the_default_path(string id) =>
        Assert.Throws<CgroupException>(() => CgroupPathResolver.Resolve(Host("hybrid"), Own, null, id));

    [Fact]
    public void Comounted_controllers_share_one_directory()
    {
        var paths = CgroupPathResolver.Resolve(Host("legacy"), Own, "/x", "ctr");
        Assert.Same(paths.V1["cpu"], paths.V1["cpuacct"]);
        Assert.Equal(paths.V1.Values.Distinct().Count(), paths.AllDirs.Count);
        Assert.Equal(11, paths.AllDirs.Count);
    }

    [Fact]
    public void Hybrid_dirs_include_the_unified_one_last()
    {
        var paths = CgroupPathResolver.Resolve(Host("hybrid"), Own, "/x", "ctr");
        Assert.Equal("/sys/fs/cgroup/unified/x", paths.AllDirs[^1]);
        Assert.Equal(10, paths.AllDirs.Count);
    }
}
