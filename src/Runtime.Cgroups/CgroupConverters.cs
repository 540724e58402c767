using System.Globalization;

namespace Runsharp.Cgroups;

/// <summary>Pure conversions from OCI values to cgroup file contents.</summary>
public static class CgroupConverters
{
    /// <summary>cpu.shares (2..262144) to cpu.weight (1..10000), linear as runc does; 0 means unset.</summary>
    public static ulong SharesToWeight(ulong shares)
    {
        if (shares == 0)
            return 0;
        if (shares < 2)
            shares = 2;
        if (shares > 262144)
            shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /// <summary>blkio weight (10..1000) to io.weight (1..10000), linear as runc does; 0 means unset.</summary>
    public static ulong BlkioWeightToIoWeight(ulong weight)
    {
        if (weight == 0)
            return 0;
        weight = Math.Clamp(weight, 10UL, 1000UL);
        return 1 + (weight - 10) * 9999 / 990;
    }

    /// <summary>v2 memory files: -1 (or any negative) is "max".</summary>
    public static string V2Limit(long value) =>
        value < 0 ? "max" : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>pids.max on v1 and v2: zero or negative means no limit.</summary>
    public static string PidsMax(long limit) =>
        limit <= 0 ? "max" : limit.ToString(CultureInfo.InvariantCulture);

    /// <summary>The OCI swap value is memory+swap; memory.swap.max on v2 is swap alone.
    /// Returns null when nothing should be written, -1 for "max".</summary>
    public static long? SwapToV2(long? swap, long? memory)
    {
        // Unlimited memory with no explicit swap: swap is unlimited too.
        if (memory == -1 && (swap is null or 0))
            return -1;
        if (swap is null or 0)
            return null;
        if (swap == -1)
            return -1;
        if (memory is null or 0 or -1)
            throw new CgroupException("unable to set swap limit without memory limit");
        if (swap < memory)
            throw new CgroupException($"invalid memory swap limit {swap}: it must be >= the memory limit {memory}");
        return swap - memory;
    }

    /// <summary>cpu.max is "$QUOTA $PERIOD"; a missing or non-positive quota is "max". Null when neither is given.
    /// Without a period the kernel keeps the current one.</summary>
    public static string? CpuMax(long? quota, ulong? period)
    {
        bool hasQuota = quota is not null and not 0;
        bool hasPeriod = period is not null and not 0;
        if (!hasQuota && !hasPeriod)
            return null;
        var q = hasQuota && quota > 0 ? quota!.Value.ToString(CultureInfo.InvariantCulture) : "max";
        return hasPeriod ? q + " " + period!.Value.ToString(CultureInfo.InvariantCulture) : q;
    }

    /// <summary>One rdma.max line (v1 and v2 alike): "DEVICE hca_handle=N hca_object=M", with the limits given.</summary>
    public static string RdmaMaxLine(string device, Runsharp.Spec.LinuxRdma limits)
    {
        if (device.Length == 0 || device.Any(char.IsWhiteSpace))
            throw new CgroupException($"invalid linux.resources.rdma device name '{device}'");
        if (limits.HcaHandles is null && limits.HcaObjects is null)
            throw new CgroupException($"linux.resources.rdma[\"{device}\"] sets neither hcaHandles nor hcaObjects");
        var line = device;
        if (limits.HcaHandles is { } handles)
            line += " hca_handle=" + handles.ToString(CultureInfo.InvariantCulture);
        if (limits.HcaObjects is { } objects)
            line += " hca_object=" + objects.ToString(CultureInfo.InvariantCulture);
        return line;
    }

    internal static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
    internal static string Str(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
