using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V2;

/// <summary>blockIO on v2: io.weight (io.bfq.weight where BFQ is the scheduler), per-device weights and
/// io.max throttles. v2 has no leaf weight; asking for one is an error rather than a silent no-op.</summary>
internal sealed class IoController : IController
{
    public string Name => "io";

    public bool Wants(LinuxResources r) => new V1.BlkioSubsystem().Wants(r);

    public void Set(string dir, LinuxResources r)
    {
        var b = r.BlockIO!;
        if (b.LeafWeight is not null and not 0 || b.WeightDevice?.Any(d => d.LeafWeight is not null and not 0) == true)
            throw new CgroupException($"unable to set blkio leaf weight in {dir}: cgroup v2 has no leaf weight");
        bool bfq = !CgroupFiles.Exists(dir, "io.weight") && CgroupFiles.Exists(dir, "io.bfq.weight");
        if (b.Weight is { } weight and not 0)
        {
            // io.bfq.weight takes the blkio range (1..1000) as is; io.weight is 1..10000.
            var value = bfq ? Str((ulong)weight) : Str(BlkioWeightToIoWeight(weight));
            CgroupFiles.Write(dir, bfq ? "io.bfq.weight" : "io.weight", value);
        }
        foreach (var wd in b.WeightDevice ?? [])
        {
            if (wd.Weight is { } w and not 0)
            {
                var value = bfq ? Str((ulong)w) : Str(BlkioWeightToIoWeight(w));
                CgroupFiles.Write(dir, bfq ? "io.bfq.weight" : "io.weight", $"{Str(wd.Major)}:{Str(wd.Minor)} {value}");
            }
        }
        Max(dir, "rbps", b.ThrottleReadBpsDevice);
        Max(dir, "wbps", b.ThrottleWriteBpsDevice);
        Max(dir, "riops", b.ThrottleReadIOPSDevice);
        Max(dir, "wiops", b.ThrottleWriteIOPSDevice);
    }

    static void Max(string dir, string key, List<LinuxThrottleDevice>? devices)
    {
        foreach (var d in devices ?? [])
            CgroupFiles.Write(dir, "io.max", IoMaxLine(d, key));
    }

    /// <summary>"8:0 rbps=1048576"; a rate of 0 means no limit ("max"), as in runc.</summary>
    internal static string IoMaxLine(LinuxThrottleDevice d, string key)
    {
        if (d.Major < 0 || d.Minor < 0)
            throw new CgroupException($"invalid block device {d.Major}:{d.Minor}: numbers must not be negative");
        return $"{Str(d.Major)}:{Str(d.Minor)} {key}={(d.Rate == 0 ? "max" : Str(d.Rate))}";
    }
}
