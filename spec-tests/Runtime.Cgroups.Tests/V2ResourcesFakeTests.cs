using Runsharp.Spec;

namespace Runsharp.Cgroups.Tests;

public class V2ResourcesFakeTests
{
    static FakeCgroupfs Fake(bool bfq = false)
    {
        var fs = new FakeCgroupfs().V2("", "cpuset cpu io memory hugetlb pids");
        fs.Files("c", ("cgroup.controllers", "cpuset cpu io memory hugetlb pids"), (bfq ? "io.bfq.weight" : "io.weight", ""),
            ("io.max", ""), ("hugetlb.2MB.max", "max"));
        return fs;
    }

    static LinuxDeviceCgroup Rule(bool allow, string? type, long? major, long? minor) =>
        new() { Allow = allow, Type = type, Major = major, Minor = minor, Access = "rwm" };

    [Theory]
    [InlineData(10UL, 1UL)]
    [InlineData(500UL, 4950UL)]
    [InlineData(1000UL, 10000UL)]
    [InlineData(5UL, 1UL)]
    [InlineData(0UL, 0UL)]
    public void Blkio_weight_to_io_weight(ulong blkio, ulong io) => Assert.Equal(io, CgroupConverters.BlkioWeightToIoWeight(blkio));

    [Fact]
    public void Io_weight_and_max()
    {
        using var fs = Fake();
        fs.Manager("/c").Set(new LinuxResources
        {
            BlockIO = new LinuxBlockIO { Weight = 500, ThrottleWriteIOPSDevice = [new LinuxThrottleDevice { Major = 254, Minor = 0, Rate = 0 }] },
        });
        Assert.Equal("4950", fs.Read("c", "io.weight"));
        Assert.Equal("254:0 wiops=max", fs.Read("c", "io.max"));
        Assert.Equal("8:0 rbps=102400", V2.IoController.IoMaxLine(new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 102400 }, "rbps"));
    }

    [Fact]
    public void Io_bfq_weight_takes_the_blkio_value_and_leaf_weight_is_refused()
    {
        using var fs = Fake(bfq: true);
        var m = fs.Manager("/c");
        m.Set(new LinuxResources { BlockIO = new LinuxBlockIO { Weight = 500 } });
        Assert.Equal("500", fs.Read("c", "io.bfq.weight"));
        var e = Assert.Throws<CgroupException>(() => m.Set(new LinuxResources { BlockIO = new LinuxBlockIO { LeafWeight = 300 } }));
        Assert.Contains("cgroup v2 has no leaf weight", e.Message);
    }

    [Fact]
    public void Hugetlb_max()
    {
        using var fs = Fake();
        fs.Manager("/c").Set(new LinuxResources { HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 4194304 }] });
        Assert.Equal("4194304", fs.Read("c", "hugetlb.2MB.max"));
    }

    [Fact]
    public void The_default_device_list_is_accepted_and_a_specific_deny_is_refused_until_ebpf_exists()
    {
        using var fs = Fake();
        var m = fs.Manager("/c");
        m.Set(new LinuxResources { Devices = [Rule(false, null, null, null), Rule(true, "c", 10, 229)] });
        var e = Assert.Throws<CgroupException>(() => m.Set(new LinuxResources { Devices = [Rule(false, "c", 1, 3)] }));
        Assert.Equal("device cgroup rule 'deny c 1:3 rwm' cannot be applied on cgroup v2: the eBPF device filter is not implemented yet", e.Message);
    }

    [Fact]
    public void Network_is_refused_on_v2()
    {
        using var fs = Fake();
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Network = new LinuxNetwork { ClassID = 1 } }));
        Assert.Contains("net_cls", e.Message);
    }
}
