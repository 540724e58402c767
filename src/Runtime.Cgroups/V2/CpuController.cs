using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V2;

internal sealed class CpuController : IController
{
    public string Name => "cpu";

    public bool Wants(LinuxResources r) => r.Cpu is { } c &&
        (c.Shares is not null and not 0 || c.Quota is not null and not 0 || c.Period is not null and not 0 ||
         c.RealtimeRuntime is not null and not 0 || c.RealtimePeriod is not null and not 0);

    public void Set(string dir, LinuxResources r)
    {
        var c = r.Cpu!;
        if (c.RealtimeRuntime is not null and not 0 || c.RealtimePeriod is not null and not 0)
            throw new CgroupException("realtime cpu limits are not supported on cgroup v2");
        if (c.Shares is { } shares and not 0)
            CgroupFiles.Write(dir, "cpu.weight", Str(SharesToWeight(shares)));
        if (CpuMax(c.Quota, c.Period) is { } max)
            CgroupFiles.Write(dir, "cpu.max", max);
    }
}
