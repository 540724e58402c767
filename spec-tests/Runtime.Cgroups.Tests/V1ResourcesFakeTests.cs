using Runsharp.Spec;

namespace Runsharp.Cgroups.Tests;

/// <summary>devices, blkio, hugetlb, net_cls/net_prio and the newer memory/cpu files on a fake v1 tree.
/// A fake control file keeps only the last write, so ordered sequences are checked on DeviceRules itself.</summary>
public class V1ResourcesFakeTests
{
    static FakeCgroupfs Fake() => new FakeCgroupfs()
        .V1("cpu,cpuacct", "cpu,cpuacct").V1("memory", "memory").V1("devices", "devices").V1("blkio", "blkio")
        .V1("hugetlb", "hugetlb").V1("net_cls,net_prio", "net_cls,net_prio").V2("unified", "");

    static LinuxDeviceCgroup Rule(bool allow, string? type, long? major, long? minor, string? access) =>
        new() { Allow = allow, Type = type, Major = major, Minor = minor, Access = access };

    [Theory]
    [InlineData(true, "c", 10L, 229L, "rwm", "c 10:229 rwm")]
    [InlineData(true, "b", 8L, 20L, "rw", "b 8:20 rw")]
    [InlineData(true, "c", 136L, null, "rwm", "c 136:* rwm")]
    [InlineData(true, "c", -1L, -1L, "m", "c *:* m")]
    [InlineData(false, null, null, null, "rwm", "a")]
    [InlineData(false, "a", null, null, null, "a")]
    [InlineData(true, "c", 1L, 3L, null, "c 1:3 rwm")]
    public void Device_rule_format(bool allow, string? type, long? major, long? minor, string? access, string expected) =>
        Assert.Equal(expected, DeviceRules.Format(Rule(allow, type, major, minor, access)));

    [Theory]
    [InlineData("p", "rwm", "type 'p' is not one of a, b, c")]
    [InlineData("c", "rwx", "access 'rwx' may only contain r, w and m")]
    public void Invalid_device_rules_are_refused(string type, string access, string part)
    {
        var e = Assert.Throws<CgroupException>(() => DeviceRules.Format(Rule(true, type, 1, 3, access)));
        Assert.Contains(part, e.Message);
    }

    [Fact]
    public void V1_writes_deny_all_then_the_spec_rules_in_order_then_the_defaults_then_created_devices()
    {
        var writes = DeviceRules.V1Writes(DeviceRules.Sequence(
            [Rule(false, null, null, null, "rwm"), Rule(true, "c", 10, 229, "rwm"), Rule(false, "c", 1, 3, "w")],
            [new LinuxDevice { Path = "/dev/x", Type = "c", Major = 10, Minor = 666 }])).ToList();
        Assert.Equal(("devices.deny", "a"), writes[0]);
        Assert.Equal(("devices.deny", "a"), writes[1]);
        Assert.Equal(("devices.allow", "c 10:229 rwm"), writes[2]);
        Assert.Equal(("devices.deny", "c 1:3 w"), writes[3]);
        Assert.Equal(
            ["c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm",
             "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm"],
            writes.Skip(4).Take(11).Select(w => w.Value));
        Assert.All(writes.Skip(4), w => Assert.Equal("devices.allow", w.File));
        Assert.Equal(("devices.allow", "c 10:666 rwm"), writes[^1]);
        Assert.Equal(16, writes.Count);
    }

    [Fact]
    public void Created_device_nodes_become_rwm_allow_rules_fifos_none_and_a_created_default_path_drops_that_default()
    {
        var created = new[]
        {
            new LinuxDevice { Path = "/dev/a", Type = "c", Major = 10, Minor = 666 }, new LinuxDevice { Path = "/dev/b", Type = "u", Major = 4, Minor = 1 },
            new LinuxDevice { Path = "/dev/c", Type = "b", Major = 8, Minor = 666 }, new LinuxDevice { Path = "/dev/d", Type = "p" },
            new LinuxDevice { Path = "/dev/null", Type = "c", Major = 1, Minor = 3 },
        };
        var values = DeviceRules.V1Writes(DeviceRules.Sequence([Rule(false, "c", 1, 3, "rwm")], created)).Select(w => w.Value).ToList();
        Assert.Equal(["c 10:666 rwm", "c 4:1 rwm", "b 8:666 rwm"], values.TakeLast(3));
        // The spec names 1:3 and linux.devices creates /dev/null: neither the default nor an implicit allow for it.
        Assert.Equal(["a", "c 1:3 rwm"], values.Take(2));
        Assert.DoesNotContain("c 1:3 rwm", values.Skip(2));
    }

    [Fact]
    public void Devices_are_written_on_set_and_the_last_write_is_the_last_default()
    {
        using var fs = Fake();
        fs.Files("devices/c", ("devices.allow", ""), ("devices.deny", ""));
        fs.Manager("/c").Set(new LinuxResources { Devices = [Rule(false, null, null, null, "rwm"), Rule(true, "c", 10, 229, "rwm")] });
        Assert.Equal("a", fs.Read("devices/c", "devices.deny"));
        Assert.Equal("c 10:200 rwm", fs.Read("devices/c", "devices.allow"));
    }

    [Fact]
    public void Create_applies_the_default_list_to_a_new_devices_cgroup_only()
    {
        using var fs = Fake();
        // A pre-existing cgroup (with its control files) is left alone by Create.
        fs.Files("devices/old", ("devices.allow", "untouched"), ("devices.deny", "untouched"));
        fs.Manager("/old").Create();
        Assert.Equal("untouched", fs.Read("devices/old", "devices.deny"));
        // A fresh one has no control files in the fake, so the write fails: proof that Create tried to restrict it.
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/new").Create());
        Assert.Contains("'devices.deny' = a", e.Message);
    }

    [Fact]
    public void Set_without_devices_leaves_the_devices_cgroup_alone()
    {
        using var fs = Fake();
        fs.Files("devices/c", ("devices.allow", "x"), ("devices.deny", "x"));
        fs.Manager("/c").Set(new LinuxResources { Pids = null });
        Assert.Equal("x", fs.Read("devices/c", "devices.deny"));
    }

    static string BlkioDir(FakeCgroupfs fs, bool bfq) => fs.Files("blkio/c",
        (bfq ? "blkio.bfq.weight" : "blkio.weight", ""), (bfq ? "blkio.bfq.weight_device" : "blkio.weight_device", ""),
        ("blkio.throttle.read_bps_device", ""), ("blkio.throttle.write_bps_device", ""),
        ("blkio.throttle.read_iops_device", ""), ("blkio.throttle.write_iops_device", ""));

    static LinuxThrottleDevice T(long major, long minor, ulong rate) => new() { Major = major, Minor = minor, Rate = rate };

    [Theory]
    [InlineData(false, "blkio.weight", "blkio.weight_device")]
    [InlineData(true, "blkio.bfq.weight", "blkio.bfq.weight_device")]
    public void Blkio_weights_use_the_cfq_or_bfq_files_and_throttles_are_per_device(bool bfq, string weightFile, string deviceFile)
    {
        using var fs = Fake();
        BlkioDir(fs, bfq);
        fs.Manager("/c").Set(new LinuxResources
        {
            BlockIO = new LinuxBlockIO
            {
                Weight = 500,
                WeightDevice = [new LinuxWeightDevice { Major = 254, Minor = 0, Weight = 300 }],
                ThrottleReadBpsDevice = [T(254, 0, 102400)],
                ThrottleWriteBpsDevice = [T(254, 0, 204800)],
                ThrottleReadIOPSDevice = [T(254, 0, 100)],
                ThrottleWriteIOPSDevice = [T(254, 0, 200)],
            },
        });
        Assert.Equal("500", fs.Read("blkio/c", weightFile));
        Assert.Equal("254:0 300", fs.Read("blkio/c", deviceFile));
        Assert.Equal("254:0 102400", fs.Read("blkio/c", "blkio.throttle.read_bps_device"));
        Assert.Equal("254:0 204800", fs.Read("blkio/c", "blkio.throttle.write_bps_device"));
        Assert.Equal("254:0 100", fs.Read("blkio/c", "blkio.throttle.read_iops_device"));
        Assert.Equal("254:0 200", fs.Read("blkio/c", "blkio.throttle.write_iops_device"));
    }

    [Fact]
    public void A_leaf_weight_without_the_cfq_file_is_an_error()
    {
        using var fs = Fake();
        BlkioDir(fs, bfq: true);
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { BlockIO = new LinuxBlockIO { LeafWeight = 300 } }));
        Assert.Equal($"unable to write 'blkio.leaf_weight' = 300 in {fs.Root}/blkio/c: no such file or directory", e.Message);
        Assert.Equal(2, e.Errno);
    }

    [Fact]
    public void Leaf_weights_go_to_the_cfq_files_where_they_exist()
    {
        using var fs = Fake();
        fs.Files("blkio/c", ("blkio.leaf_weight", ""), ("blkio.leaf_weight_device", ""));
        fs.Manager("/c").Set(new LinuxResources
        {
            BlockIO = new LinuxBlockIO { LeafWeight = 300, WeightDevice = [new LinuxWeightDevice { Major = 8, Minor = 0, LeafWeight = 200 }] },
        });
        Assert.Equal("300", fs.Read("blkio/c", "blkio.leaf_weight"));
        Assert.Equal("8:0 200", fs.Read("blkio/c", "blkio.leaf_weight_device"));
    }

    [Fact]
    public void Hugetlb_limit_goes_to_the_file_named_after_the_page_size()
    {
        using var fs = Fake();
        fs.Files("hugetlb/c", ("hugetlb.2MB.limit_in_bytes", ""), ("hugetlb.1GB.limit_in_bytes", ""));
        fs.Manager("/c").Set(new LinuxResources
        {
            HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 2UL << 30 }, new LinuxHugepageLimit { Pagesize = "1GB", Limit = 1UL << 30 }],
        });
        Assert.Equal("2147483648", fs.Read("hugetlb/c", "hugetlb.2MB.limit_in_bytes"));
        Assert.Equal("1073741824", fs.Read("hugetlb/c", "hugetlb.1GB.limit_in_bytes"));
    }

    [Theory]
    [InlineData("3MB", "invalid hugepage size '3MB': expected a power of two with KB, MB or GB (e.g. 2MB)")]
    [InlineData("2M", "invalid hugepage size '2M': expected a power of two with KB, MB or GB (e.g. 2MB)")]
    [InlineData("../x", "invalid hugepage size '../x': expected a power of two with KB, MB or GB (e.g. 2MB)")]
    public void Hugetlb_page_size_names_are_checked(string size, string message)
    {
        using var fs = Fake();
        fs.Files("hugetlb/c", ("hugetlb.2MB.limit_in_bytes", ""));
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { HugepageLimits = [new LinuxHugepageLimit { Pagesize = size, Limit = 1 }] }));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void An_unsupported_hugepage_size_names_the_missing_file()
    {
        using var fs = Fake();
        fs.Files("hugetlb/c", ("hugetlb.2MB.limit_in_bytes", ""));
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { HugepageLimits = [new LinuxHugepageLimit { Pagesize = "16GB", Limit = 1 }] }));
        Assert.StartsWith("invalid hugepage size '16GB': hugetlb.16GB.limit_in_bytes does not exist in ", e.Message);
        Assert.Equal(2, e.Errno);
    }

    [Fact]
    public void Network_classid_and_priorities()
    {
        using var fs = Fake();
        fs.Files("net_cls,net_prio/c", ("net_cls.classid", "0"), ("net_prio.ifpriomap", ""));
        fs.Manager("/c").Set(new LinuxResources
        {
            Network = new LinuxNetwork { ClassID = 0x100001, Priorities = [new LinuxInterfacePriority { Name = "lo", Priority = 10 }, new LinuxInterfacePriority { Name = "eth0", Priority = 30 }] },
        });
        Assert.Equal("1048577", fs.Read("net_cls,net_prio/c", "net_cls.classid"));
        Assert.Equal("eth0 30", fs.Read("net_cls,net_prio/c", "net_prio.ifpriomap"));
    }

    [Fact]
    public void Network_needs_net_cls_mounted()
    {
        using var fs = new FakeCgroupfs().V1("memory", "memory");
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Network = new LinuxNetwork { ClassID = 255 } }));
        Assert.Equal("cgroup controller 'net_cls' is not mounted", e.Message);
        var e2 = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 1 }] }));
        Assert.Equal("cgroup controller 'hugetlb' is not mounted", e2.Message);
    }

    [Fact]
    public void Memory_kernel_tcp_use_hierarchy_and_kernel_where_present()
    {
        using var fs = Fake();
        fs.Files("memory/c", ("memory.kmem.limit_in_bytes", ""), ("memory.kmem.tcp.limit_in_bytes", ""), ("memory.use_hierarchy", "1"));
        fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory { Kernel = 50593792, KernelTCP = 151781376, UseHierarchy = false } });
        Assert.Equal("50593792", fs.Read("memory/c", "memory.kmem.limit_in_bytes"));
        Assert.Equal("151781376", fs.Read("memory/c", "memory.kmem.tcp.limit_in_bytes"));
        Assert.Equal("0", fs.Read("memory/c", "memory.use_hierarchy"));
    }

    [Fact]
    public void Memory_kernel_limit_is_skipped_on_a_kernel_without_the_file_but_tcp_is_required()
    {
        using var fs = Fake();
        fs.Files("memory/c", ("memory.kmem.tcp.limit_in_bytes", ""));
        fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory { Kernel = 1 << 20 } });
        Assert.False(File.Exists(Path.Combine(fs.Root, "memory/c/memory.kmem.limit_in_bytes")));
        fs.Files("memory/d");
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/d").Set(new LinuxResources { Memory = new LinuxMemory { KernelTCP = 1 << 20 } }));
        Assert.StartsWith("unable to write 'memory.kmem.tcp.limit_in_bytes' = 1048576 in ", e.Message);
    }

    [Fact]
    public void Cpu_burst_and_idle()
    {
        using var fs = Fake();
        fs.Files("cpu,cpuacct/c", ("cpu.cfs_quota_us", "-1"), ("cpu.cfs_burst_us", "0"), ("cpu.idle", "0"));
        fs.Manager("/c").Set(new LinuxResources { Cpu = new LinuxCpu { Quota = 50000, Burst = 10000, Idle = 1 } });
        Assert.Equal("10000", fs.Read("cpu,cpuacct/c", "cpu.cfs_burst_us"));
        Assert.Equal("1", fs.Read("cpu,cpuacct/c", "cpu.idle"));
    }
}
