using static Runsharp.Cgroups.Stats.StatFiles;

namespace Runsharp.Cgroups.Stats;

/// <summary>Usage from a cgroup2 directory, in runc's v1-shaped record: cpu.stat (always there), memory.*, pids.*
/// (or a count of cgroup.procs when the pids controller is off), io.stat and hugetlb.*. A controller that is not
/// enabled has no files and leaves its part zero; cpuset stays zero as in runc 1.1.</summary>
internal static class V2StatsReader
{
    internal static CgroupStats Collect(string dir, IReadOnlyList<string>? hugePageSizes = null)
    {
        var stats = new CgroupStats();
        if (!Directory.Exists(dir))
            return stats;
        ReadPids(dir, stats.Pids);
        ReadMemory(dir, stats.Memory);
        BlkioStatsReader.ReadV2(dir, stats.Blkio);
        ReadCpu(dir, stats.Cpu);
        ReadHugetlb(dir, hugePageSizes ?? HugePageSizes(), stats.Hugetlb);
        return stats;
    }

    static void ReadPids(string dir, PidsStats p)
    {
        if (ReadOptional(dir, "pids.current") is null)
        {
            // Without the controller: count the processes (cgroup.threads in a threaded cgroup).
            var procs = ReadOptionalNotSupported(dir, "cgroup.procs") ?? Read(dir, "cgroup.threads");
            p.Current = (ulong)procs.Count(c => c == '\n');
            p.Limit = 0;
            return;
        }
        V1StatsReader.ReadPids(dir, p);
    }

    /// <summary>cgroup.procs of a threaded cgroup fails with EOPNOTSUPP; treat that as absent.</summary>
    static string? ReadOptionalNotSupported(string dir, string file)
    {
        try
        {
            return ReadOptional(dir, file);
        }
        catch (CgroupException e) when (e.Errno == 95 /* EOPNOTSUPP */)
        {
            return null;
        }
    }

    static void ReadMemory(string dir, MemoryStats s)
    {
        if (StatFiles.KeyValueMap(dir, "memory.stat") is not { } raw)
            return;
        s.Raw = raw.Count > 0 ? StatFiles.SortedByKey(raw) : null;
        s.Cache = raw.GetValueOrDefault("file");
        if (ReadUIntOptional(dir, "memory.current") is not { } usage)
            return;
        s.Usage = new MemoryEntry { Usage = usage, Limit = ReadUInt(dir, "memory.max") };
        // v1 reports swap as memory+swap; runc keeps that meaning on v2 by adding memory to it.
        if (ReadUIntOptional(dir, "memory.swap.current") is { } swap)
        {
            ulong limit = ReadUInt(dir, "memory.swap.max");
            s.Swap = new MemoryEntry
            {
                Usage = swap + usage,
                Limit = limit == ulong.MaxValue ? limit : unchecked(limit + s.Usage.Limit),
            };
        }
    }

    /// <summary>cpu.stat counts in microseconds; runc reports nanoseconds.</summary>
    static void ReadCpu(string dir, CpuStats c)
    {
        if (ReadOptional(dir, "cpu.stat") is not { } text)
            return;
        foreach (var (key, value) in KeyValues(text, dir, "cpu.stat"))
        {
            switch (key)
            {
                case "usage_usec": c.Usage.Total = value * 1000; break;
                case "user_usec": c.Usage.User = value * 1000; break;
                case "system_usec": c.Usage.Kernel = value * 1000; break;
                case "nr_periods": c.Throttling.Periods = value; break;
                case "nr_throttled": c.Throttling.ThrottledPeriods = value; break;
                case "throttled_usec": c.Throttling.ThrottledTime = value * 1000; break;
            }
        }
    }

    /// <summary>hugetlb.&lt;size&gt;.current and the "max" count of hugetlb.&lt;size&gt;.events (allocations refused
    /// at the limit) as the failure count. Stops at the first size without files (controller off).</summary>
    static void ReadHugetlb(string dir, IReadOnlyList<string> sizes, Dictionary<string, HugetlbStats> into)
    {
        foreach (var size in sizes.Order(StringComparer.Ordinal))
        {
            if (ReadUIntOptional(dir, $"hugetlb.{size}.current") is not { } usage)
                return;
            into[size] = new HugetlbStats { Usage = usage, Failcnt = ValueByKey(dir, $"hugetlb.{size}.events", "max") ?? 0 };
        }
    }
}
