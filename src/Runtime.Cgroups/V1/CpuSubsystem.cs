using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V1;

internal sealed class CpuSubsystem : ISubsystem
{
    public string Name => "cpu";

    public bool Wants(LinuxResources r) => CpuResources.Wanted(r);

    public void Set(string dir, LinuxResources r)
    {
        var c = r.Cpu!;
        if (c.Shares is { } shares and not 0)
        {
            CgroupFiles.Write(dir, "cpu.shares", Str(shares));
            // The kernel clamps silently; say so instead of pretending the value was applied.
            ulong applied = CgroupFiles.ReadUInt64(dir, "cpu.shares");
            if (applied != shares)
                throw new CgroupException($"linux.resources.cpu.shares: {shares} is out of the kernel's range (it clamped it to {applied})");
        }
        WritePair(dir, "cpu.cfs_period_us", c.Period, "cpu.cfs_quota_us", c.Quota);
        WritePair(dir, "cpu.rt_period_us", c.RealtimePeriod, "cpu.rt_runtime_us", c.RealtimeRuntime);
        // The burst may not exceed the quota, so it comes after it.
        if (c.Burst is { } burst)
            CgroupFiles.Write(dir, "cpu.cfs_burst_us", Str(burst));
        if (c.Idle is { } idle)
            CgroupFiles.Write(dir, "cpu.idle", Str(idle));
    }

    /// <summary>A smaller period can be refused (EINVAL) while the old quota is in place; then write the quota
    /// (runtime) first and the period after it.</summary>
    static void WritePair(string dir, string periodFile, ulong? period, string quotaFile, long? quota)
    {
        bool hasPeriod = period is not null and not 0;
        bool hasQuota = quota is not null and not 0;
        bool periodPending = false;
        if (hasPeriod)
        {
            try
            {
                CgroupFiles.Write(dir, periodFile, Str(period!.Value));
            }
            catch (CgroupException e) when (e.Errno == CgroupErrors.EINVAL && hasQuota)
            {
                periodPending = true;
            }
        }
        if (hasQuota)
            CgroupFiles.Write(dir, quotaFile, Str(quota!.Value));
        if (periodPending)
            CgroupFiles.Write(dir, periodFile, Str(period!.Value));
    }
}
