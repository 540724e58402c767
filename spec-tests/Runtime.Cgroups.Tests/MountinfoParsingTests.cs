namespace Runsharp.Cgroups.Tests;

public class MountinfoParsingTests
{
    [Fact]
    public void Hybrid_host_has_v1_controllers_and_unified_mount()
    {
        var host = CgroupHost.Parse(MountinfoSamples.Hybrid);
        Assert.Equal(CgroupMode.Hybrid, host.Mode);
        Assert.Equal("/sys/fs/cgroup/unified", host.Unified!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/memory", host.V1Mount("memory")!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/cpuacct", host.V1Mount("cpuacct")!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/systemd", host.V1Mount("name=systemd")!.MountPoint);
        Assert.Equal(9, host.V1Mounts.Count);
        Assert.Null(host.V1Mount("hugetlb"));
    }

    [Fact]
    public void Hybrid_host_with_the_unified_mount_covered_is_legacy()
    {
        // What `run-validation.sh CGROUP_MODE=v1` and the benchmark harness do in a private namespace.
        var info = MountinfoSamples.Hybrid + "\n99 31 0:99 / /sys/fs/cgroup/unified rw,relatime - tmpfs hide-unified rw,size=1024k\n";
        var host = CgroupHost.Parse(info);
        Assert.Equal(CgroupMode.Legacy, host.Mode);
        Assert.Null(host.Unified);
        Assert.Equal("/sys/fs/cgroup/memory", host.V1Mount("memory")!.MountPoint);
    }

    [Fact]
    public void A_mount_covering_the_whole_cgroup_tree_hides_it()
    {
        // Mounted on top of the tmpfs that holds the v1 hierarchies (so that tmpfs is its parent).
        var info = MountinfoSamples.Hybrid + "\n99 31 0:99 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n";
        var host = CgroupHost.Parse(info);
        Assert.Equal(CgroupMode.Unified, host.Mode);
        Assert.Equal("/sys/fs/cgroup", host.Unified!.MountPoint);
    }

    [Fact]
    public void A_mount_moved_under_a_later_one_is_visible_whatever_the_line_order()
    {
        // cgroup2 made first elsewhere (its line comes first), then moved onto the tmpfs mounted after it: the tmpfs
        // is its parent, so it is inside the tmpfs, not under it.
        const string info = """
            22 1 8:1 / / rw,relatime - ext4 /dev/vda rw
            50 60 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            60 22 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            61 60 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            """;
        var host = CgroupHost.Parse(info);
        Assert.Equal(CgroupMode.Hybrid, host.Mode);
        Assert.Equal("/sys/fs/cgroup/unified", host.Unified!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/memory", host.V1Mount("memory")!.MountPoint);
    }

    [Fact]
    public void A_mount_stacked_on_top_hides_the_one_below_whatever_the_line_order()
    {
        // The tmpfs over unified has the cgroup2 mount as its parent (mounted on top of it) but an earlier line.
        const string info = """
            22 1 8:1 / / rw,relatime - ext4 /dev/vda rw
            31 22 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            40 41 0:99 / /sys/fs/cgroup/unified rw,relatime - tmpfs hide-unified rw
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            42 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            """;
        var host = CgroupHost.Parse(info);
        Assert.Equal(CgroupMode.Legacy, host.Mode);
        Assert.Null(host.Unified);
    }

    [Fact]
    public void Legacy_host_keeps_comounted_controllers_together()
    {
        var host = CgroupHost.Parse(MountinfoSamples.Legacy);
        Assert.Equal(CgroupMode.Legacy, host.Mode);
        Assert.Null(host.Unified);
        var cpu = host.V1Mount("cpu")!;
        Assert.Same(cpu, host.V1Mount("cpuacct"));
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", cpu.MountPoint);
        Assert.Equal(["cpu", "cpuacct"], cpu.Controllers);
        Assert.Equal(["net_cls", "net_prio"], host.V1Mount("net_prio")!.Controllers);
        // Mount flags such as xattr and clone_children are not controllers.
        Assert.Equal(["name=systemd"], host.V1Mount("name=systemd")!.Controllers);
        Assert.Equal(["cpuset"], host.V1Mount("cpuset")!.Controllers);
    }

    [Fact]
    public void Unified_host_has_only_the_cgroup2_mount()
    {
        var host = CgroupHost.Parse(MountinfoSamples.Unified);
        Assert.Equal(CgroupMode.Unified, host.Mode);
        Assert.Empty(host.V1Mounts);
        Assert.Equal("/sys/fs/cgroup", host.Unified!.MountPoint);
    }

    [Fact]
    public void A_named_v1_hierarchy_alone_does_not_make_a_v1_host()
    {
        var host = CgroupHost.Parse(MountinfoSamples.UnifiedWithNamedV1);
        Assert.Equal(CgroupMode.Unified, host.Mode);
    }

    [Fact]
    public void Nested_mounts_keep_their_root_and_the_first_mount_wins()
    {
        var host = CgroupHost.Parse(MountinfoSamples.NestedLegacy);
        Assert.Equal(CgroupMode.Legacy, host.Mode);
        Assert.Equal("/docker/abc", host.V1Mount("memory")!.Root);
        Assert.Equal("/sys/fs/cgroup/pids", host.V1Mount("pids")!.MountPoint);
        Assert.Equal(2, host.V1Mounts.Count);
    }

    [Fact]
    public void No_cgroup_mounts_is_an_error()
    {
        var e = Assert.Throws<CgroupException>(() => CgroupHost.Parse("22 1 8:1 / / rw - ext4 /dev/vda rw\n"));
        Assert.Equal("no cgroup mount found in /proc/self/mountinfo", e.Message);
    }

    [Fact]
    public void Short_or_malformed_lines_are_skipped()
    {
        var host = CgroupHost.Parse("garbage\n1 2 3\n9 9 0:1 / /x rw shared:1 cgroup cgroup rw,pids\n" + MountinfoSamples.Unified);
        Assert.Equal(CgroupMode.Unified, host.Mode);
    }

    [Theory]
    [InlineData(@"/run/extra\040pids", "/run/extra pids")]
    [InlineData(@"/a\134b", @"/a\b")]
    [InlineData(@"/plain", "/plain")]
    [InlineData(@"/bad\9x", @"/bad\9x")]
    public void Octal_escapes_are_decoded(string raw, string expected) =>
        Assert.Equal(expected, CgroupHost.Unescape(raw));

    [Fact]
    public void This_machine_parses()
    {
        var host = CgroupHost.Detect();
        Assert.NotEmpty(host.V1Mounts.Concat(host.Unified is null ? [] : [host.Unified]));
    }
}
