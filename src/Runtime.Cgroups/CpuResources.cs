using Runsharp.Spec;

namespace Runsharp.Cgroups;

/// <summary>What v1's cpu subsystem and v2's cpu controller both act on (cpus and mems belong to cpuset). A zero
/// is "unset" for these fields, as in runc; burst and idle are meaningful at 0.</summary>
internal static class CpuResources
{
    public static bool Wanted(LinuxResources r) => r.Cpu is { } c &&
        (c.Shares is not null and not 0 || c.Quota is not null and not 0 || c.Period is not null and not 0 ||
         c.RealtimeRuntime is not null and not 0 || c.RealtimePeriod is not null and not 0 ||
         c.Burst is not null || c.Idle is not null);
}
