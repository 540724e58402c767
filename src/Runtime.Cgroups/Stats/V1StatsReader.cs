using static Runsharp.Cgroups.Stats.StatFiles;

namespace Runsharp.Cgroups.Stats;

/// <summary>Usage from the v1 controllers' files, mapped as runc's cgroupfs driver maps them. A controller that
/// is not mounted, or a cgroup already removed, leaves its part zero.</summary>
internal static class V1StatsReader
{
    /// <summary>USER_HZ: cpuacct.stat counts in ticks of 1/100 s on every Linux architecture runc supports.</summary>
    const ulong ClockTicks = 100;

    internal static CgroupStats Collect(IReadOnlyDictionary<string, string> dirs, IReadOnlyList<string>? hugePageSizes = null)
    {
        var stats = new CgroupStats();
        if (Dir(dirs, "cpuset") is { } cpuset)
            ReadCpuset(cpuset, stats.Cpuset);
        if (Dir(dirs, "memory") is { } memory)
            ReadMemory(memory, stats.Memory);
        if (Dir(dirs, "cpu") is { } cpu)
            ReadThrottling(cpu, stats.Cpu.Throttling);
        if (Dir(dirs, "cpuacct") is { } cpuacct)
            ReadCpuacct(cpuacct, stats.Cpu.Usage);
        if (Dir(dirs, "pids") is { } pids)
            ReadPids(pids, stats.Pids);
        if (Dir(dirs, "blkio") is { } blkio)
            BlkioStatsReader.ReadV1(blkio, stats.Blkio);
        if (Dir(dirs, "hugetlb") is { } hugetlb)
            ReadHugetlb(hugetlb, hugePageSizes ?? HugePageSizes(), stats.Hugetlb);
        return stats;
    }

    /// <summary>The controller's directory when it is mounted and the cgroup still exists.</summary>
    static string? Dir(IReadOnlyDictionary<string, string> dirs, string controller) =>
        dirs.TryGetValue(controller, out var dir) && Directory.Exists(dir) ? dir : null;

    static void ReadCpuset(string dir, CpusetStats s)
    {
        if (ReadOptional(dir, "cpuset.cpus") is { } cpus)
            s.Cpus = CpuList(cpus, dir, "cpuset.cpus");
        if (ReadOptional(dir, "cpuset.mems") is { } mems)
            s.Mems = CpuList(mems, dir, "cpuset.mems");
        s.CpuExclusive = ReadUIntOptional(dir, "cpuset.cpu_exclusive") ?? 0;
        s.MemHardwall = ReadUIntOptional(dir, "cpuset.mem_hardwall") ?? 0;
        s.MemExclusive = ReadUIntOptional(dir, "cpuset.mem_exclusive") ?? 0;
        s.MemoryMigrate = ReadUIntOptional(dir, "cpuset.memory_migrate") ?? 0;
        s.MemorySpreadPage = ReadUIntOptional(dir, "cpuset.memory_spread_page") ?? 0;
        s.MemorySpreadSlab = ReadUIntOptional(dir, "cpuset.memory_spread_slab") ?? 0;
        s.MemoryPressure = ReadUIntOptional(dir, "cpuset.memory_pressure") ?? 0;
        s.SchedLoadBalance = ReadUIntOptional(dir, "cpuset.sched_load_balance") ?? 0;
        s.SchedRelaxDomainLevel = ReadIntOptional(dir, "cpuset.sched_relax_domain_level") ?? 0;
    }

    static void ReadMemory(string dir, MemoryStats s)
    {
        // No memory.stat: the controller has nothing to say (runc returns without the rest).
        if (StatFiles.KeyValueMap(dir, "memory.stat") is not { } raw)
            return;
        s.Raw = raw.Count > 0 ? StatFiles.SortedByKey(raw) : null;
        s.Cache = raw.GetValueOrDefault("cache");
        s.Usage = Entry(dir, "memory", required: true);
        // memsw, kmem and kmem.tcp are optional in the kernel (swapaccount=0, newer kernels without kmem).
        s.Swap = Entry(dir, "memory.memsw", required: false);
        s.Kernel = Entry(dir, "memory.kmem", required: false);
        s.KernelTcp = Entry(dir, "memory.kmem.tcp", required: false);
    }

    static MemoryEntry Entry(string dir, string prefix, bool required)
    {
        var usage = ReadUIntOptional(dir, prefix + ".usage_in_bytes");
        if (usage is null)
            return required ? throw new CgroupException($"unable to read '{prefix}.usage_in_bytes' in {dir}: no such file or directory", CgroupErrors.ENOENT) : new();
        return new MemoryEntry
        {
            Usage = usage.Value,
            Max = ReadUInt(dir, prefix + ".max_usage_in_bytes"),
            Failcnt = ReadUInt(dir, prefix + ".failcnt"),
            Limit = ReadUInt(dir, prefix + ".limit_in_bytes"),
        };
    }

    /// <summary>cpu.stat throttling counters (throttled_time is already in ns on v1).</summary>
    static void ReadThrottling(string dir, CpuThrottling t)
    {
        if (ReadOptional(dir, "cpu.stat") is not { } text)
            return;
        foreach (var (key, value) in KeyValues(text, dir, "cpu.stat"))
        {
            switch (key)
            {
                case "nr_periods": t.Periods = value; break;
                case "nr_throttled": t.ThrottledPeriods = value; break;
                case "throttled_time": t.ThrottledTime = value; break;
            }
        }
    }

    static void ReadCpuacct(string dir, CpuUsage u)
    {
        // "user <ticks>\nsystem <ticks>"
        var stat = Read(dir, "cpuacct.stat");
        var fields = stat.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4 || fields[0] != "user" || fields[2] != "system")
            throw Malformed(dir, "cpuacct.stat", stat);
        u.User = ParseUInt(fields[1], dir, "cpuacct.stat") * 1_000_000_000 / ClockTicks;
        u.Kernel = ParseUInt(fields[3], dir, "cpuacct.stat") * 1_000_000_000 / ClockTicks;
        u.Total = ReadUInt(dir, "cpuacct.usage");
        u.PerCpu = NullIfEmpty(Numbers(Read(dir, "cpuacct.usage_percpu"), dir, "cpuacct.usage_percpu"));
        // "cpu user system" header, then one line per cpu; absent on kernels before 4.7.
        if (ReadOptional(dir, "cpuacct.usage_all") is { } all)
        {
            var kernel = new List<ulong>();
            var user = new List<ulong>();
            foreach (var line in all.Split('\n').Skip(1))
            {
                var cols = line.Split(' ');
                if (cols.Length != 3)
                    continue;
                user.Add(ParseUInt(cols[1], dir, "cpuacct.usage_all"));
                kernel.Add(ParseUInt(cols[2], dir, "cpuacct.usage_all"));
            }
            u.PerCpuKernel = NullIfEmpty(kernel);
            u.PerCpuUser = NullIfEmpty(user);
        }
    }

    internal static void ReadPids(string dir, PidsStats p)
    {
        p.Current = ReadUInt(dir, "pids.current");
        ulong max = ReadUInt(dir, "pids.max");
        // runc reports "no limit" as 0.
        p.Limit = max == ulong.MaxValue ? 0 : max;
    }

    static void ReadHugetlb(string dir, IReadOnlyList<string> sizes, Dictionary<string, HugetlbStats> into)
    {
        foreach (var size in sizes.Order(StringComparer.Ordinal))
        {
            into[size] = new HugetlbStats
            {
                Usage = ReadUInt(dir, $"hugetlb.{size}.usage_in_bytes"),
                Max = ReadUInt(dir, $"hugetlb.{size}.max_usage_in_bytes"),
                Failcnt = ReadUInt(dir, $"hugetlb.{size}.failcnt"),
            };
        }
    }

    internal static List<T>? NullIfEmpty<T>(List<T> list) => list.Count == 0 ? null : list;
}
