using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V2;

/// <summary>cpu.weight, cpu.max, cpu.max.burst and cpu.idle. The order matters to the kernel: an idle group refuses a
/// weight (EINVAL), so the weight goes first; the burst may not exceed the quota, so it follows cpu.max.</summary>
internal sealed class CpuController : IController
{
    public string Name => "cpu";

    public bool Wants(LinuxResources r) => CpuResources.Wanted(r);

    public void Set(string dir, LinuxResources r)
    {
        var c = r.Cpu!;
        if (c.RealtimeRuntime is not null and not 0 || c.RealtimePeriod is not null and not 0)
            throw new CgroupException("realtime cpu limits are not supported on cgroup v2");
        if (c.Shares is { } shares and not 0)
            CgroupFiles.Write(dir, "cpu.weight", Str(SharesToWeight(shares)));
        if (CpuMax(c.Quota, c.Period) is { } max)
            CgroupFiles.Write(dir, "cpu.max", max);
        if (c.Burst is { } burst)
            Optional(dir, "cpu.max.burst", Str(burst), "linux.resources.cpu.burst", "5.14");
        if (c.Idle is { } idle)
            Optional(dir, "cpu.idle", Str(idle), "linux.resources.cpu.idle", "5.15");
    }

    /// <summary>Files newer kernels add: their absence is named rather than reported as a bare ENOENT.</summary>
    static void Optional(string dir, string file, string value, string field, string since)
    {
        if (!CgroupFiles.Exists(dir, file))
            throw new CgroupException($"unable to set {field}: {dir} has no {file} (it needs Linux {since})", CgroupErrors.ENOENT);
        CgroupFiles.Write(dir, file, value);
    }
}
