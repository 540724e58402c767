using Runsharp.Spec;

namespace Runsharp.Cgroups.Tests;

public class V1ManagerFakeTests
{
    static FakeCgroupfs HybridFake() => new FakeCgroupfs()
        .V1("cpu,cpuacct", "cpu,cpuacct").V1("cpuset", "cpuset").V1("memory", "memory")
        .V1("pids", "pids").V1("systemd", "xattr,name=systemd").V2("unified", "");

    [Fact]
    public void Create_makes_the_path_in_every_hierarchy_and_destroy_removes_it()
    {
        using var fs = HybridFake();
        fs.Files("cpuset", ("cpuset.cpus", "0-3"), ("cpuset.mems", "0"));
        var m = fs.Manager("/a/b");
        Assert.IsType<V1.V1Manager>(m);
        m.Create();
        foreach (var d in new[] { "cpu,cpuacct", "cpuset", "memory", "pids", "systemd", "unified" })
            Assert.True(fs.DirExists($"{d}/a/b"), d);
        Assert.Equal(2, m.CreatedDepth);
        Assert.Equal(Path.Combine(fs.Root, "unified/a/b"), m.V2Path);
        Assert.True(m.Exists());

        m.Destroy();
        foreach (var d in new[] { "cpu,cpuacct", "cpuset", "memory", "pids", "systemd", "unified" })
        {
            Assert.False(fs.DirExists($"{d}/a"), d);
            Assert.True(fs.DirExists(d), d);
        }
        Assert.False(m.Exists());
    }

    [Fact]
    public void Destroy_leaves_a_cgroup_that_existed_before_create()
    {
        using var fs = HybridFake();
        foreach (var d in new[] { "cpu,cpuacct", "cpuset", "memory", "pids", "systemd", "unified" })
            fs.Files($"{d}/shared");
        fs.Files("cpuset/shared", ("cpuset.cpus", "0"), ("cpuset.mems", "0"));
        var m = fs.Manager("/shared");
        m.Create();
        Assert.Equal(0, m.CreatedDepth);
        m.Destroy();
        Assert.True(fs.DirExists("memory/shared"));
    }

    [Fact]
    public void MissingDepths_say_before_create_what_create_will_make_in_each_hierarchy()
    {
        using var fs = HybridFake();
        fs.Files("cpuset", ("cpuset.cpus", "0"), ("cpuset.mems", "0"));
        fs.Files("memory/p"); // one hierarchy already has the parent, the others do not
        var m = fs.Manager("/p/c");
        var planned = m.Paths.MissingDepths();
        Assert.Equal(1, planned[Path.Combine(fs.Root, "memory/p/c")]);
        Assert.Equal(2, planned[Path.Combine(fs.Root, "pids/p/c")]);
        m.Create();
        Assert.Equal(planned, m.CreatedDepths);
        Assert.Equal(2, m.CreatedDepth);
        Assert.All(m.Paths.MissingDepths().Values, missing => Assert.Equal(0, missing));
        // A create killed half-way is cleaned up by a manager loaded with the planned depths: all it made, and not
        // the parent that was there before in one hierarchy.
        fs.Manager("/p/c", createdDepth: 2, createdDepths: planned).Destroy();
        Assert.False(fs.DirExists("pids/p"));
        Assert.False(fs.DirExists("memory/p/c"));
        Assert.True(fs.DirExists("memory/p"));
    }

    [Fact]
    public void State_without_per_hierarchy_depths_uses_its_one_number_everywhere()
    {
        using var fs = HybridFake();
        fs.Files("cpuset", ("cpuset.cpus", "0"), ("cpuset.mems", "0"));
        fs.Manager("/p/c").Create();
        fs.Manager("/p/c", createdDepth: 2).Destroy();
        Assert.False(fs.DirExists("pids/p"));
        Assert.False(fs.DirExists("memory/p"));
    }

    [Fact]
    public void A_later_process_destroys_with_the_recorded_depth()
    {
        using var fs = HybridFake();
        fs.Files("cpuset", ("cpuset.cpus", "0"), ("cpuset.mems", "0"));
        var first = fs.Manager("/p/c");
        first.Create();
        fs.Manager("/p/c", createdDepth: 0).Destroy();
        Assert.True(fs.DirExists("memory/p/c"));
        fs.Manager("/p/c", createdDepth: first.CreatedDepth).Destroy();
        Assert.False(fs.DirExists("memory/p"));
    }

    [Fact]
    public void Create_copies_cpuset_from_parents_into_empty_levels()
    {
        using var fs = HybridFake();
        fs.Files("cpuset", ("cpuset.cpus", "0-3"), ("cpuset.mems", "0"));
        fs.Files("cpuset/a", ("cpuset.cpus", ""), ("cpuset.mems", ""));
        fs.Files("cpuset/a/b", ("cpuset.cpus", ""), ("cpuset.mems", "\n"));
        fs.Manager("/a/b").Create();
        Assert.Equal("0-3", fs.Read("cpuset/a", "cpuset.cpus"));
        Assert.Equal("0-3", fs.Read("cpuset/a/b", "cpuset.cpus"));
        Assert.Equal("0", fs.Read("cpuset/a/b", "cpuset.mems"));
    }

    [Fact]
    public void Create_keeps_a_cpuset_that_is_already_set()
    {
        using var fs = HybridFake();
        fs.Files("cpuset", ("cpuset.cpus", "0-3"), ("cpuset.mems", "0"));
        fs.Files("cpuset/a", ("cpuset.cpus", "1"), ("cpuset.mems", "0"));
        fs.Manager("/a").Create();
        Assert.Equal("1", fs.Read("cpuset/a", "cpuset.cpus"));
    }

    static FakeCgroupfs WithLeafFiles(bool memsw = true)
    {
        var fs = HybridFake();
        var memory = new List<(string, string)>
        {
            ("memory.limit_in_bytes", "9223372036854771712"), ("memory.soft_limit_in_bytes", ""),
            ("memory.swappiness", "60"), ("memory.oom_control", ""),
        };
        if (memsw)
            memory.Add(("memory.memsw.limit_in_bytes", "9223372036854771712"));
        fs.Files("memory/c", memory.ToArray());
        fs.Files("cpu,cpuacct/c", ("cpu.shares", "1024"), ("cpu.cfs_quota_us", "-1"), ("cpu.cfs_period_us", "100000"),
            ("cpu.rt_runtime_us", "0"), ("cpu.rt_period_us", "1000000"));
        fs.Files("cpuset/c", ("cpuset.cpus", "0"), ("cpuset.mems", "0"));
        fs.Files("pids/c", ("pids.max", "max"));
        return fs;
    }

    [Fact]
    public void Set_writes_v1_files()
    {
        using var fs = WithLeafFiles();
        var m = fs.Manager("/c");
        m.Set(new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 67108864, Reservation = 33554432, Swap = 134217728, Swappiness = 10, DisableOOMKiller = true },
            Cpu = new LinuxCpu { Shares = 1024, Quota = 50000, Period = 200000, Cpus = "0-1", Mems = "0", RealtimeRuntime = 950000, RealtimePeriod = 1000000 },
            Pids = new LinuxPids { Limit = 42 },
        });
        Assert.Equal("67108864", fs.Read("memory/c", "memory.limit_in_bytes"));
        Assert.Equal("134217728", fs.Read("memory/c", "memory.memsw.limit_in_bytes"));
        Assert.Equal("33554432", fs.Read("memory/c", "memory.soft_limit_in_bytes"));
        Assert.Equal("10", fs.Read("memory/c", "memory.swappiness"));
        Assert.Equal("1", fs.Read("memory/c", "memory.oom_control"));
        Assert.Equal("1024", fs.Read("cpu,cpuacct/c", "cpu.shares"));
        Assert.Equal("50000", fs.Read("cpu,cpuacct/c", "cpu.cfs_quota_us"));
        Assert.Equal("200000", fs.Read("cpu,cpuacct/c", "cpu.cfs_period_us"));
        Assert.Equal("950000", fs.Read("cpu,cpuacct/c", "cpu.rt_runtime_us"));
        Assert.Equal("1000000", fs.Read("cpu,cpuacct/c", "cpu.rt_period_us"));
        Assert.Equal("0-1", fs.Read("cpuset/c", "cpuset.cpus"));
        Assert.Equal("42", fs.Read("pids/c", "pids.max"));
    }

    [Theory]
    [InlineData(-1L, "max")]
    [InlineData(0L, "max")]
    [InlineData(7L, "7")]
    public void Pids_limit(long limit, string expected)
    {
        using var fs = WithLeafFiles();
        fs.Manager("/c").Set(new LinuxResources { Pids = new LinuxPids { Limit = limit } });
        Assert.Equal(expected, fs.Read("pids/c", "pids.max"));
    }

    [Fact]
    public void Unlimited_memory_also_lifts_memsw()
    {
        using var fs = WithLeafFiles();
        fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory { Limit = -1 } });
        Assert.Equal("-1", fs.Read("memory/c", "memory.limit_in_bytes"));
        Assert.Equal("-1", fs.Read("memory/c", "memory.memsw.limit_in_bytes"));
    }

    [Fact]
    public void Swap_is_skipped_when_the_kernel_has_no_memsw()
    {
        using var fs = WithLeafFiles(memsw: false);
        fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory { Limit = 1048576, Swap = 2097152 } });
        Assert.Equal("1048576", fs.Read("memory/c", "memory.limit_in_bytes"));
        Assert.False(File.Exists(Path.Combine(fs.Root, "memory/c/memory.memsw.limit_in_bytes")));
    }

    [Fact]
    public void Empty_resources_write_nothing()
    {
        using var fs = WithLeafFiles();
        fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory(), Cpu = new LinuxCpu(), Pids = new LinuxPids() });
        Assert.Equal("max", fs.Read("pids/c", "pids.max"));
        Assert.Equal("60", fs.Read("memory/c", "memory.swappiness"));
    }

    [Fact]
    public void A_missing_control_file_is_an_error_and_is_not_created()
    {
        using var fs = HybridFake();
        fs.Files("pids/c");
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Pids = new LinuxPids { Limit = 5 } }));
        Assert.Equal($"unable to write 'pids.max' = 5 in {fs.Root}/pids/c: no such file or directory", e.Message);
        Assert.Equal(2, e.Errno);
        Assert.False(File.Exists(Path.Combine(fs.Root, "pids/c/pids.max")));
    }

    [Fact]
    public void Swappiness_above_100_is_rejected()
    {
        using var fs = WithLeafFiles();
        var e = Assert.Throws<CgroupException>(() =>
            fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory { Swappiness = 101 } }));
        Assert.Equal("invalid memory swappiness value: 101 (valid range is 0-100)", e.Message);
    }

    [Fact]
    public void Swappiness_minus_one_is_left_alone()
    {
        using var fs = WithLeafFiles();
        fs.Manager("/c").Set(new LinuxResources { Memory = new LinuxMemory { Swappiness = ulong.MaxValue } });
        Assert.Equal("60", fs.Read("memory/c", "memory.swappiness"));
    }

    [Fact]
    public void Needing_an_unmounted_controller_is_an_error()
    {
        using var fs = new FakeCgroupfs().V1("memory", "memory");
        var e = Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Pids = new LinuxPids { Limit = 5 } }));
        Assert.Equal("cgroup controller 'pids' is not mounted", e.Message);
    }

    [Fact]
    public void Unified_resources_are_refused_on_v1()
    {
        using var fs = HybridFake();
        Assert.Throws<CgroupException>(() => fs.Manager("/c").Set(new LinuxResources { Unified = new() { ["memory.max"] = "1" } }));
    }

    [Fact]
    public void Add_process_writes_every_hierarchy_once_and_get_pids_reads_pids()
    {
        using var fs = HybridFake();
        foreach (var d in new[] { "cpu,cpuacct", "cpuset", "memory", "pids", "systemd", "unified" })
            fs.Files($"{d}/c", ("cgroup.procs", ""));
        var m = fs.Manager("/c");
        m.AddProcess(1234);
        foreach (var d in new[] { "cpu,cpuacct", "cpuset", "memory", "pids", "systemd", "unified" })
            Assert.Equal("1234", fs.Read($"{d}/c", "cgroup.procs"));
        File.WriteAllText(Path.Combine(fs.Root, "pids/c/cgroup.procs"), "1\n22\n333\n");
        Assert.Equal([1, 22, 333], m.GetPids());
        Assert.Throws<CgroupException>(() => m.AddProcess(0));
    }
}

public class FactoryLoadTests
{
    [Fact]
    public void Load_reopens_saved_paths_and_destroys_with_the_recorded_depth()
    {
        using var fs = new FakeCgroupfs().V1("memory", "memory").V1("pids", "pids").V2("unified", "");
        var created = fs.Manager("/p/c");
        created.Create();
        var again = CgroupManagerFactory.Load(CgroupMode.Hybrid,
            new CgroupPaths(created.Paths.Path, new Dictionary<string, string>(created.Paths.V1), created.Paths.Unified),
            created.CreatedDepth);
        Assert.True(again.Exists());
        Assert.Equal(created.V2Path, again.V2Path);
        again.Destroy();
        Assert.False(fs.DirExists("memory/p"));
        Assert.False(fs.DirExists("unified/p"));
    }
}
