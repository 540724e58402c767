using Runsharp.Cgroups.Stats;

namespace Runsharp.Cgroups.Tests;

/// <summary>The v1 and v2 statistics readers on fake cgroup trees whose files are copies of what this machine's
/// kernel (6.18) prints, checked against the numbers runc 1.1.5 derives from the same files.</summary>
public class StatsReaderFakeTests
{
    static readonly string[] Sizes = ["2MB", "1GB"];

    static FakeCgroupfs V1Tree(out ICgroupManager m)
    {
        var fake = new FakeCgroupfs()
            .V1("cpu", "cpu").V1("cpuacct", "cpuacct").V1("memory", "memory").V1("pids", "pids").V1("blkio", "blkio")
            .V1("cpuset", "cpuset").V2("unified", "");
        m = fake.Manager("/c1");
        return fake;
    }

    [Fact]
    public void V1_cpu_comes_from_cpuacct_in_ns_and_throttling_from_cpu_stat()
    {
        using var fake = V1Tree(out var m);
        fake.Files("cpuacct/c1",
            ("cpuacct.stat", "user 3\nsystem 1\n"),
            ("cpuacct.usage", "12538423\n"),
            ("cpuacct.usage_percpu", "2107948 10430475 \n"),
            ("cpuacct.usage_all", "cpu user system\n0 0 2107948\n1 8000000 2430475\n"));
        fake.Files("cpu/c1", ("cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 5000\nnr_bursts 0\nburst_time 0\nwait_sum 0\n"));
        var s = V1StatsReader.Collect(m.Paths.V1, Sizes);
        Assert.Equal(12538423UL, s.Cpu.Usage.Total);
        Assert.Equal(30_000_000UL, s.Cpu.Usage.User); // 3 ticks of 10 ms
        Assert.Equal(10_000_000UL, s.Cpu.Usage.Kernel);
        Assert.Equal([2107948UL, 10430475UL], s.Cpu.Usage.PerCpu!);
        Assert.Equal([2107948UL, 2430475UL], s.Cpu.Usage.PerCpuKernel!);
        Assert.Equal([0UL, 8000000UL], s.Cpu.Usage.PerCpuUser!);
        Assert.Equal((10UL, 2UL, 5000UL), (s.Cpu.Throttling.Periods, s.Cpu.Throttling.ThrottledPeriods, s.Cpu.Throttling.ThrottledTime));
    }

    [Fact]
    public void V1_memory_entries_raw_stat_and_optional_counters()
    {
        using var fake = V1Tree(out var m);
        fake.Files("memory/c1",
            ("memory.stat", "cache 4096\nrss 53248\nhierarchical_memory_limit 9223372036854771712\ntotal_rss 53248\n"),
            ("memory.usage_in_bytes", "741376\n"), ("memory.max_usage_in_bytes", "2777088\n"),
            ("memory.failcnt", "3\n"), ("memory.limit_in_bytes", "16777216\n"),
            ("memory.memsw.usage_in_bytes", "741376\n"), ("memory.memsw.max_usage_in_bytes", "2777088\n"),
            ("memory.memsw.failcnt", "0\n"), ("memory.memsw.limit_in_bytes", "9223372036854771712\n"));
        var s = V1StatsReader.Collect(m.Paths.V1, Sizes).Memory;
        Assert.Equal(4096UL, s.Cache);
        Assert.Equal(["cache", "hierarchical_memory_limit", "rss", "total_rss"], s.Raw!.Keys);
        Assert.Equal((16777216UL, 741376UL, 2777088UL, 3UL), (s.Usage.Limit, s.Usage.Usage, s.Usage.Max, s.Usage.Failcnt));
        Assert.Equal(9223372036854771712UL, s.Swap.Limit);
        // No kmem files (a kernel without them): zero entries rather than an error.
        Assert.Equal((0UL, 0UL), (s.Kernel.Limit, s.KernelTcp.Usage));
    }

    [Fact]
    public void V1_pids_max_means_no_limit_and_cpuset_lists_expand()
    {
        using var fake = V1Tree(out var m);
        fake.Files("pids/c1", ("pids.current", "3\n"), ("pids.max", "max\n"));
        fake.Files("cpuset/c1", ("cpuset.cpus", "0-2,5\n"), ("cpuset.mems", "0\n"), ("cpuset.sched_load_balance", "1\n"),
            ("cpuset.sched_relax_domain_level", "-1\n"));
        var s = V1StatsReader.Collect(m.Paths.V1, Sizes);
        Assert.Equal((3UL, 0UL), (s.Pids.Current, s.Pids.Limit));
        Assert.Equal([0, 1, 2, 5], s.Cpuset.Cpus!.Select(c => (int)c));
        Assert.Equal([0], s.Cpuset.Mems!.Select(c => (int)c));
        Assert.Equal(1UL, s.Cpuset.SchedLoadBalance);
        Assert.Equal(-1L, s.Cpuset.SchedRelaxDomainLevel);
    }

    [Fact]
    public void V1_blkio_skips_idle_bfq_files_and_uses_the_throttle_counters()
    {
        using var fake = V1Tree(out var m);
        fake.Files("blkio/c1",
            ("blkio.bfq.io_serviced_recursive", "Total 0\n"),
            ("blkio.bfq.io_service_bytes_recursive", "Total 0\n"),
            ("blkio.throttle.io_serviced_recursive", "8:0 Read 10\n8:0 Write 2\n8:0 Total 12\nTotal 12\n"),
            ("blkio.throttle.io_service_bytes_recursive", "8:0 Read 40960\n8:0 Write 8192\n8:0 Total 49152\nTotal 49152\n"));
        var b = V1StatsReader.Collect(m.Paths.V1, Sizes).Blkio;
        Assert.Equal(["Read:10", "Write:2", "Total:12"], b.IoServicedRecursive!.Select(e => $"{e.Op}:{e.Value}"));
        Assert.All(b.IoServiceBytesRecursive!, e => Assert.Equal((8UL, 0UL), (e.Major, e.Minor)));
        Assert.Null(b.SectorsRecursive);
    }

    [Fact]
    public void V1_idle_blkio_is_empty_and_absent_controllers_leave_zeros()
    {
        using var fake = V1Tree(out var m);
        fake.Files("blkio/c1", ("blkio.throttle.io_serviced", "Total 0\n"), ("blkio.throttle.io_service_bytes", "Total 0\n"));
        var s = V1StatsReader.Collect(m.Paths.V1, Sizes);
        Assert.Null(s.Blkio.IoServicedRecursive);
        Assert.Equal(0UL, s.Memory.Usage.Usage);
        Assert.Null(s.Memory.Raw);
        Assert.Empty(s.Hugetlb); // no hugetlb v1 hierarchy here, as on this machine
    }

    [Fact]
    public void V1_a_malformed_line_names_the_file()
    {
        using var fake = V1Tree(out var m);
        fake.Files("memory/c1", ("memory.stat", "cache four\n"));
        var e = Assert.Throws<CgroupException>(() => V1StatsReader.Collect(m.Paths.V1, Sizes));
        Assert.Contains("'memory.stat'", e.Message);
    }

    static (FakeCgroupfs Fake, string Dir) V2Tree()
    {
        var fake = new FakeCgroupfs().V2("", "cpu memory pids io hugetlb");
        var dir = fake.Files("c1", ("cgroup.controllers", "cpu memory pids io hugetlb"), ("cgroup.procs", "12\n13\n"));
        return (fake, dir);
    }

    [Fact]
    public void V2_cpu_stat_microseconds_become_nanoseconds()
    {
        var (fake, dir) = V2Tree();
        using var _ = fake;
        File.WriteAllText(Path.Combine(dir, "cpu.stat"),
            "usage_usec 9066\nuser_usec 3022\nsystem_usec 6044\nnice_usec 0\ncore_sched.force_idle_usec 0\nnr_periods 4\nnr_throttled 1\nthrottled_usec 250\nnr_bursts 0\nburst_usec 0\n");
        var c = V2StatsReader.Collect(dir, Sizes).Cpu;
        Assert.Equal((9066000UL, 3022000UL, 6044000UL), (c.Usage.Total, c.Usage.User, c.Usage.Kernel));
        Assert.Equal((4UL, 1UL, 250000UL), (c.Throttling.Periods, c.Throttling.ThrottledPeriods, c.Throttling.ThrottledTime));
        Assert.Null(c.Usage.PerCpu);
    }

    [Fact]
    public void V2_memory_swap_is_reported_as_memory_plus_swap_and_cache_is_file()
    {
        var (fake, dir) = V2Tree();
        using var _ = fake;
        fake.Files("c1", ("memory.stat", "anon 8192\nfile 4096\n"), ("memory.current", "12288\n"), ("memory.max", "16777216\n"),
            ("memory.swap.current", "4096\n"), ("memory.swap.max", "8388608\n"));
        var s = V2StatsReader.Collect(dir, Sizes).Memory;
        Assert.Equal(4096UL, s.Cache);
        Assert.Equal((12288UL, 16777216UL), (s.Usage.Usage, s.Usage.Limit));
        Assert.Equal((16384UL, 25165824UL), (s.Swap.Usage, s.Swap.Limit));

        File.WriteAllText(Path.Combine(dir, "memory.swap.max"), "max\n");
        Assert.Equal(ulong.MaxValue, V2StatsReader.Collect(dir, Sizes).Memory.Swap.Limit);
    }

    [Fact]
    public void V2_without_the_pids_controller_counts_cgroup_procs()
    {
        var (fake, dir) = V2Tree();
        using var _ = fake;
        var p = V2StatsReader.Collect(dir, Sizes).Pids;
        Assert.Equal((2UL, 0UL), (p.Current, p.Limit));
        fake.Files("c1", ("pids.current", "5\n"), ("pids.max", "64\n"));
        p = V2StatsReader.Collect(dir, Sizes).Pids;
        Assert.Equal((5UL, 64UL), (p.Current, p.Limit));
    }

    [Fact]
    public void V2_io_stat_maps_bytes_and_ios_to_read_and_write()
    {
        var (fake, dir) = V2Tree();
        using var _ = fake;
        fake.Files("c1", ("io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=1 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n"));
        var b = V2StatsReader.Collect(dir, Sizes).Blkio;
        Assert.Equal(["8:0 Read 4096", "8:0 Write 8192", "253:1 Read 1", "253:1 Write 0"],
            b.IoServiceBytesRecursive!.Select(e => $"{e.Major}:{e.Minor} {e.Op} {e.Value}"));
        Assert.Equal(["8:0 Read 1", "8:0 Write 2", "253:1 Read 1", "253:1 Write 0"],
            b.IoServicedRecursive!.Select(e => $"{e.Major}:{e.Minor} {e.Op} {e.Value}"));
    }

    [Fact]
    public void V2_hugetlb_current_and_max_events_keyed_in_sorted_order()
    {
        var (fake, dir) = V2Tree();
        using var _ = fake;
        fake.Files("c1", ("hugetlb.2MB.current", "2097152\n"), ("hugetlb.2MB.events", "max 3\n"),
            ("hugetlb.1GB.current", "0\n"), ("hugetlb.1GB.events", "max 0\n"));
        var h = V2StatsReader.Collect(dir, Sizes).Hugetlb;
        Assert.Equal(["1GB", "2MB"], h.Keys);
        Assert.Equal((2097152UL, 3UL), (h["2MB"].Usage, h["2MB"].Failcnt));
    }

    [Fact]
    public void V2_a_removed_cgroup_reads_as_zero()
    {
        var (fake, dir) = V2Tree();
        using var _ = fake;
        var s = V2StatsReader.Collect(dir + "-gone", Sizes);
        Assert.Equal(0UL, s.Pids.Current);
        Assert.Empty(s.Hugetlb);
    }

    [Theory]
    [InlineData("42", 42UL)]
    [InlineData("max", ulong.MaxValue)]
    [InlineData("-1", 0UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Numbers_parse_as_runc_does(string text, ulong expected) =>
        Assert.Equal(expected, StatFiles.ParseUInt(text, "/d", "f"));

    [Theory]
    [InlineData("4x")]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.5")]
    public void Bad_numbers_are_errors(string text) =>
        Assert.Throws<CgroupException>(() => StatFiles.ParseUInt(text, "/d", "f"));

    [Theory]
    [InlineData(64UL, "64KB")]
    [InlineData(2048UL, "2MB")]
    [InlineData(1048576UL, "1GB")]
    [InlineData(16777216UL, "16GB")]
    public void Page_sizes_are_named_as_the_kernel_names_them(ulong kb, string name) =>
        Assert.Equal(name, StatFiles.PageSizeName(kb));

    [Fact]
    public void Page_sizes_come_from_sysfs_directory_names()
    {
        using var fake = new FakeCgroupfs();
        fake.Files("hugepages/hugepages-2048kB");
        fake.Files("hugepages/hugepages-1048576kB");
        fake.Files("hugepages/other");
        Assert.Equal(["1GB", "2MB"], StatFiles.HugePageSizes(Path.Combine(fake.Root, "hugepages")));
    }
}
