using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V1;

/// <summary>blkio weights and throttles. Kernels with BFQ instead of CFQ (5.0 and later) have
/// blkio.bfq.weight[_device] instead of blkio.weight[_device]; use whichever exists, as runc does. There is no
/// BFQ leaf weight: a requested leafWeight on such a kernel is an error, not a silent no-op (runc and crun
/// fail the same way).</summary>
internal sealed class BlkioSubsystem : ISubsystem
{
    public string Name => "blkio";

    public bool Wants(LinuxResources r) => r.BlockIO is { } b &&
        (b.Weight is not null and not 0 || b.LeafWeight is not null and not 0 || b.WeightDevice is { Count: > 0 } ||
         b.ThrottleReadBpsDevice is { Count: > 0 } || b.ThrottleWriteBpsDevice is { Count: > 0 } ||
         b.ThrottleReadIOPSDevice is { Count: > 0 } || b.ThrottleWriteIOPSDevice is { Count: > 0 });

    public void Set(string dir, LinuxResources r)
    {
        var b = r.BlockIO!;
        if (b.Weight is { } weight and not 0)
            CgroupFiles.Write(dir, WeightFile(dir, "blkio.weight", "blkio.bfq.weight"), Str((ulong)weight));
        if (b.LeafWeight is { } leaf and not 0)
            CgroupFiles.Write(dir, "blkio.leaf_weight", Str((ulong)leaf));
        foreach (var wd in b.WeightDevice ?? [])
        {
            if (wd.Weight is { } w and not 0)
                CgroupFiles.Write(dir, WeightFile(dir, "blkio.weight_device", "blkio.bfq.weight_device"), Device(wd, w));
            if (wd.LeafWeight is { } lw and not 0)
                CgroupFiles.Write(dir, "blkio.leaf_weight_device", Device(wd, lw));
        }
        Throttle(dir, "blkio.throttle.read_bps_device", b.ThrottleReadBpsDevice);
        Throttle(dir, "blkio.throttle.write_bps_device", b.ThrottleWriteBpsDevice);
        Throttle(dir, "blkio.throttle.read_iops_device", b.ThrottleReadIOPSDevice);
        Throttle(dir, "blkio.throttle.write_iops_device", b.ThrottleWriteIOPSDevice);
    }

    /// <summary>The CFQ file when present, else the BFQ one; if neither exists the write names the CFQ file.</summary>
    static string WeightFile(string dir, string cfq, string bfq) =>
        !CgroupFiles.Exists(dir, cfq) && CgroupFiles.Exists(dir, bfq) ? bfq : cfq;

    static void Throttle(string dir, string file, List<LinuxThrottleDevice>? devices)
    {
        // One device per write: the kernel parses a single "major:minor value" line.
        foreach (var d in devices ?? [])
            CgroupFiles.Write(dir, file, Device(d, d.Rate));
    }

    internal static string Device(LinuxBlockIODevice d, ulong value)
    {
        if (d.Major < 0 || d.Minor < 0)
            throw new CgroupException($"invalid block device {d.Major}:{d.Minor}: numbers must not be negative");
        return $"{Str(d.Major)}:{Str(d.Minor)} {Str(value)}";
    }
}
