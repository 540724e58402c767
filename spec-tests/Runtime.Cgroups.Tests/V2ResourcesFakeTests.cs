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
    public void Device_rules_become_a_device_program_for_the_cgroup_and_bad_ones_are_refused()
    {
        using var fs = Fake();
        var m = fs.Manager("/c");
        var programs = FakeCgroupfs.DevicePrograms(m);
        m.Set(new LinuxResources { Devices = [Rule(false, null, null, null), Rule(false, "c", 1, 3)] });
        var (dir, program) = Assert.Single(programs);
        Assert.Equal(Path.Combine(fs.Root, "c"), dir);
        var bytes = Runsharp.Linux.Bpf.BpfInstruction.Encode(program);
        Assert.True(Devices.BpfInterpreter.Allows(bytes, Runsharp.Cgroups.Devices.DeviceKind.Char, 1, 5, Runsharp.Cgroups.Devices.DeviceAccess.Read));
        Assert.False(Devices.BpfInterpreter.Allows(bytes, Runsharp.Cgroups.Devices.DeviceKind.Char, 10, 229, Runsharp.Cgroups.Devices.DeviceAccess.Read));
        var e = Assert.Throws<CgroupException>(() => m.Set(new LinuxResources { Devices = [new LinuxDeviceCgroup { Allow = true, Type = "x", Access = "r" }] }));
        Assert.Contains("linux.resources.devices[0].type 'x' is not one of a, b, c", e.Message);
        Assert.Single(programs);
        // Resources without devices leave the program alone (an update of other limits).
        m.Set(new LinuxResources());
        Assert.Single(programs);
    }

    [Fact]
    public void Network_is_refused_on_v2()
    {
        using var fs = Fake();
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Network = new LinuxNetwork { ClassID = 1 } }));
        Assert.Contains("net_cls", e.Message);
    }

    [Fact]
    public void Cpu_burst_and_idle_are_written_and_a_kernel_without_them_is_named()
    {
        using var fs = Fake();
        fs.Files("c", ("cpu.weight", "100"), ("cpu.max", "max 100000"), ("cpu.max.burst", "0"), ("cpu.idle", "0"));
        var m = fs.Manager("/c");
        m.Set(new LinuxResources { Cpu = new LinuxCpu { Quota = 50000, Period = 100000, Burst = 20000, Idle = 1 } });
        Assert.Equal("50000 100000", fs.Read("c", "cpu.max"));
        Assert.Equal("20000", fs.Read("c", "cpu.max.burst"));
        Assert.Equal("1", fs.Read("c", "cpu.idle"));
        File.Delete(Path.Combine(fs.Root, "c", "cpu.idle"));
        var e = Assert.Throws<CgroupException>(() => m.Set(new LinuxResources { Cpu = new LinuxCpu { Idle = 0 } }));
        Assert.Contains("unable to set linux.resources.cpu.idle", e.Message);
        Assert.Contains("no cpu.idle (it needs Linux 5.15)", e.Message);
    }

    [Fact]
    public void Rdma_max_gets_a_line_per_device_with_the_limits_given()
    {
        Assert.Equal("mlx5_0 hca_handle=3 hca_object=100",
            CgroupConverters.RdmaMaxLine("mlx5_0", new LinuxRdma { HcaHandles = 3, HcaObjects = 100 }));
        Assert.Equal("mlx5_1 hca_object=7", CgroupConverters.RdmaMaxLine("mlx5_1", new LinuxRdma { HcaObjects = 7 }));
        var e = Assert.Throws<CgroupException>(() => CgroupConverters.RdmaMaxLine("mlx5_0", new LinuxRdma()));
        Assert.Contains("linux.resources.rdma[\"mlx5_0\"] sets neither hcaHandles nor hcaObjects", e.Message);

        using var fs = new FakeCgroupfs().V2("", "cpu memory pids rdma");
        fs.Files("c", ("cgroup.controllers", "cpu memory pids rdma"), ("rdma.max", ""));
        fs.Manager("/c").Set(new LinuxResources { Rdma = new() { ["mlx5_0"] = new LinuxRdma { HcaHandles = 2 } } });
        Assert.Equal("mlx5_0 hca_handle=2", fs.Read("c", "rdma.max"));
        using var without = Fake();
        var missing = Assert.Throws<CgroupException>(() => without.Manager("/c").Set(new LinuxResources { Rdma = new() { ["mlx5_0"] = new LinuxRdma { HcaHandles = 2 } } }));
        Assert.Contains("cgroup controller 'rdma' is not available", missing.Message);
    }

    [Fact]
    public void Unified_files_are_written_after_the_typed_resources()
    {
        using var fs = Fake();
        fs.Files("c", ("pids.max", "max"), ("memory.high", "max"), ("cgroup.max.depth", "max"));
        fs.Manager("/c").Set(new LinuxResources
        {
            Pids = new LinuxPids { Limit = 42 },
            Unified = new() { ["pids.max"] = "17", ["memory.high"] = "104857600", ["cgroup.max.depth"] = "3" },
        });
        Assert.Equal("17", fs.Read("c", "pids.max"));
        Assert.Equal("104857600", fs.Read("c", "memory.high"));
        Assert.Equal("3", fs.Read("c", "cgroup.max.depth"));
    }

    [Theory]
    [InlineData("cgroup.procs", "linux.resources.unified[\"cgroup.procs\"]: cgroup.procs is managed by the runtime")]
    [InlineData("cgroup.kill", "linux.resources.unified[\"cgroup.kill\"]: cgroup.kill is managed by the runtime")]
    [InlineData("rdma.max", "linux.resources.unified[\"rdma.max\"]: cgroup controller 'rdma' is not available")]
    [InlineData("memory.nonesuch", "linux.resources.unified[\"memory.nonesuch\"]: ")]
    public void Unified_files_the_runtime_manages_or_that_do_not_exist_are_refused(string file, string message)
    {
        using var fs = Fake();
        fs.Files("c", ("cgroup.procs", ""), ("cgroup.kill", ""));
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Unified = new() { [file] = "1" } }));
        Assert.Contains(message, e.Message);
        Assert.Equal("", fs.Read("c", "cgroup.procs"));
    }
}
