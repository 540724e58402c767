using Runsharp.Spec;

namespace Runsharp.Cgroups.Tests;

public class V2ManagerFakeTests
{
    static FakeCgroupfs UnifiedFake(string controllers = "cpuset cpu io memory hugetlb pids") =>
        new FakeCgroupfs().V2("", controllers);

    [Fact]
    public void Create_enables_offered_controllers_in_the_parent()
    {
        using var fs = UnifiedFake();
        var m = fs.Manager("/c");
        Assert.IsType<V2.V2Manager>(m);
        m.Create();
        Assert.True(fs.DirExists("c"));
        Assert.Equal(Path.Combine(fs.Root, "c"), m.V2Path);
        Assert.Equal("+cpu +cpuset +io +memory +pids +hugetlb", fs.Read("", "cgroup.subtree_control"));
        m.Destroy();
        Assert.False(fs.DirExists("c"));
    }

    [Fact]
    public void Create_gives_a_new_cgroup_the_default_device_program_and_leaves_an_existing_one_alone()
    {
        using var fs = UnifiedFake();
        var m = fs.Manager("/c");
        var programs = FakeCgroupfs.DevicePrograms(m);
        m.Create();
        var (dir, program) = Assert.Single(programs);
        Assert.Equal(Path.Combine(fs.Root, "c"), dir);
        var bytes = Runsharp.Linux.Bpf.BpfInstruction.Encode(program);
        Assert.True(Devices.BpfInterpreter.Allows(bytes, Runsharp.Cgroups.Devices.DeviceKind.Char, 1, 3, Runsharp.Cgroups.Devices.DeviceAccess.Read | Runsharp.Cgroups.Devices.DeviceAccess.Write));
        Assert.False(Devices.BpfInterpreter.Allows(bytes, Runsharp.Cgroups.Devices.DeviceKind.Block, 8, 0, Runsharp.Cgroups.Devices.DeviceAccess.Read));

        var again = fs.Manager("/c");
        var none = FakeCgroupfs.DevicePrograms(again);
        again.Create();
        Assert.Empty(none);
    }

    [Fact]
    public void Create_enables_only_what_is_missing_and_offered()
    {
        using var fs = UnifiedFake("memory pids hugetlb");
        File.WriteAllText(Path.Combine(fs.Root, "cgroup.subtree_control"), "memory");
        fs.Manager("/c").Create();
        Assert.Equal("+pids +hugetlb", fs.Read("", "cgroup.subtree_control"));
    }

    [Fact]
    public void Create_with_nothing_offered_writes_nothing()
    {
        using var fs = UnifiedFake("misc");
        fs.Manager("/c").Create();
        Assert.Equal("", fs.Read("", "cgroup.subtree_control"));
    }

    static FakeCgroupfs WithLeafFiles()
    {
        var fs = UnifiedFake();
        fs.Files("c", ("cgroup.controllers", "cpuset cpu io memory pids"), ("memory.max", "max"), ("memory.low", "0"),
            ("memory.swap.max", "max"), ("cpu.weight", "100"), ("cpu.max", "max 100000"), ("cpuset.cpus", ""),
            ("cpuset.mems", ""), ("pids.max", "max"));
        return fs;
    }

    [Fact]
    public void Set_writes_v2_files()
    {
        using var fs = WithLeafFiles();
        fs.Manager("/c").Set(new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 67108864, Reservation = 33554432, Swap = 100663296, Swappiness = 10, DisableOOMKiller = true },
            Cpu = new LinuxCpu { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0", Mems = "0" },
            Pids = new LinuxPids { Limit = -1 },
        });
        Assert.Equal("67108864", fs.Read("c", "memory.max"));
        Assert.Equal("33554432", fs.Read("c", "memory.low"));
        Assert.Equal("33554432", fs.Read("c", "memory.swap.max"));
        Assert.Equal("20", fs.Read("c", "cpu.weight"));
        Assert.Equal("50000 100000", fs.Read("c", "cpu.max"));
        Assert.Equal("0", fs.Read("c", "cpuset.cpus"));
        Assert.Equal("max", fs.Read("c", "pids.max"));
    }

    [Fact]
    public void Unlimited_memory_means_max_for_both()
    {
        using var fs = WithLeafFiles();
        File.WriteAllText(Path.Combine(fs.Root, "c/memory.max"), "1000");
        File.WriteAllText(Path.Combine(fs.Root, "c/memory.swap.max"), "1000");
        fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory { Limit = -1 } });
        Assert.Equal("max", fs.Read("c", "memory.max"));
        Assert.Equal("max", fs.Read("c", "memory.swap.max"));
    }

    [Fact]
    public void Realtime_is_refused_on_v2()
    {
        using var fs = WithLeafFiles();
        var e = Assert.Throws<CgroupException>(() =>
            fs.Manager("/c").Set(new LinuxResources { Cpu = new LinuxCpu { RealtimeRuntime = 1000 } }));
        Assert.Equal("realtime cpu limits are not supported on cgroup v2", e.Message);
    }

    [Fact]
    public void A_controller_that_is_not_enabled_is_named()
    {
        using var fs = UnifiedFake("hugetlb");
        fs.Files("c", ("cgroup.controllers", ""));
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Pids = new LinuxPids { Limit = 3 } }));
        Assert.Equal($"cgroup controller 'pids' is not available in {fs.Root}/c", e.Message);
    }

    [Fact]
    public void Add_process_and_get_pids_use_the_one_directory()
    {
        using var fs = WithLeafFiles();
        fs.Files("c", ("cgroup.procs", ""));
        var m = fs.Manager("/c");
        m.AddProcess(77);
        Assert.Equal([77], m.GetPids());
    }
}
