using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>cgroup limits (<c>linux.resources</c>); also the payload of <c>update</c>.</summary>
public sealed class LinuxResources
{
    [JsonPropertyName("devices")]
    public List<LinuxDeviceCgroup>? Devices { get; set; }

    [JsonPropertyName("memory")]
    public LinuxMemory? Memory { get; set; }

    [JsonPropertyName("cpu")]
    public LinuxCpu? Cpu { get; set; }

    [JsonPropertyName("pids")]
    public LinuxPids? Pids { get; set; }

    [JsonPropertyName("blockIO")]
    public LinuxBlockIO? BlockIO { get; set; }

    [JsonPropertyName("hugepageLimits")]
    public List<LinuxHugepageLimit>? HugepageLimits { get; set; }

    [JsonPropertyName("network")]
    public LinuxNetwork? Network { get; set; }

    /// <summary>Keyed by RDMA device name.</summary>
    [JsonPropertyName("rdma")]
    public Dictionary<string, LinuxRdma>? Rdma { get; set; }

    /// <summary>Raw cgroup v2 files, name to content.</summary>
    [JsonPropertyName("unified")]
    public Dictionary<string, string>? Unified { get; set; }
}

/// <summary>One device cgroup rule.</summary>
public sealed class LinuxDeviceCgroup
{
    [JsonPropertyName("allow")]
    public bool Allow { get; set; }

    /// <summary>"a", "c" or "b"; missing means all.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Missing means any (-1 in cgroup terms).</summary>
    [JsonPropertyName("major")]
    public long? Major { get; set; }

    [JsonPropertyName("minor")]
    public long? Minor { get; set; }

    /// <summary>Some of "rwm".</summary>
    [JsonPropertyName("access")]
    public string? Access { get; set; }
}

/// <summary>Memory limits in bytes; -1 means unlimited.</summary>
public sealed class LinuxMemory
{
    [JsonPropertyName("limit")]
    public long? Limit { get; set; }

    [JsonPropertyName("reservation")]
    public long? Reservation { get; set; }

    /// <summary>Memory plus swap, as in cgroup v1 memsw.</summary>
    [JsonPropertyName("swap")]
    public long? Swap { get; set; }

    /// <summary>Deprecated by the kernel; runc ignores it.</summary>
    [JsonPropertyName("kernel")]
    public long? Kernel { get; set; }

    [JsonPropertyName("kernelTCP")]
    public long? KernelTCP { get; set; }

    [JsonPropertyName("swappiness")]
    public ulong? Swappiness { get; set; }

    [JsonPropertyName("disableOOMKiller")]
    public bool? DisableOOMKiller { get; set; }

    [JsonPropertyName("useHierarchy")]
    public bool? UseHierarchy { get; set; }

    /// <summary>On update, refuse a limit below current usage.</summary>
    [JsonPropertyName("checkBeforeUpdate")]
    public bool? CheckBeforeUpdate { get; set; }
}

public sealed class LinuxCpu
{
    [JsonPropertyName("shares")]
    public ulong? Shares { get; set; }

    /// <summary>Microseconds per period; -1 means no limit.</summary>
    [JsonPropertyName("quota")]
    public long? Quota { get; set; }

    [JsonPropertyName("burst")]
    public ulong? Burst { get; set; }

    [JsonPropertyName("period")]
    public ulong? Period { get; set; }

    [JsonPropertyName("realtimeRuntime")]
    public long? RealtimeRuntime { get; set; }

    [JsonPropertyName("realtimePeriod")]
    public ulong? RealtimePeriod { get; set; }

    [JsonPropertyName("cpus")]
    public string? Cpus { get; set; }

    [JsonPropertyName("mems")]
    public string? Mems { get; set; }

    /// <summary>cgroup v2 cpu.idle (0 or 1).</summary>
    [JsonPropertyName("idle")]
    public long? Idle { get; set; }
}

public sealed class LinuxPids
{
    /// <summary>0 or -1 means unlimited.</summary>
    [JsonPropertyName("limit")]
    public long? Limit { get; set; }
}

public sealed class LinuxBlockIO
{
    [JsonPropertyName("weight")]
    public ushort? Weight { get; set; }

    [JsonPropertyName("leafWeight")]
    public ushort? LeafWeight { get; set; }

    [JsonPropertyName("weightDevice")]
    public List<LinuxWeightDevice>? WeightDevice { get; set; }

    [JsonPropertyName("throttleReadBpsDevice")]
    public List<LinuxThrottleDevice>? ThrottleReadBpsDevice { get; set; }

    [JsonPropertyName("throttleWriteBpsDevice")]
    public List<LinuxThrottleDevice>? ThrottleWriteBpsDevice { get; set; }

    [JsonPropertyName("throttleReadIOPSDevice")]
    public List<LinuxThrottleDevice>? ThrottleReadIOPSDevice { get; set; }

    [JsonPropertyName("throttleWriteIOPSDevice")]
    public List<LinuxThrottleDevice>? ThrottleWriteIOPSDevice { get; set; }
}

/// <summary>A block device by number; Go embeds this in the two device types below.</summary>
public abstract class LinuxBlockIODevice
{
    // Go writes embedded fields first; the explicit order keeps that for our derived classes.
    [JsonPropertyName("major")]
    [JsonPropertyOrder(-2)]
    public long Major { get; set; }

    [JsonPropertyName("minor")]
    [JsonPropertyOrder(-1)]
    public long Minor { get; set; }
}

public sealed class LinuxWeightDevice : LinuxBlockIODevice
{
    [JsonPropertyName("weight")]
    public ushort? Weight { get; set; }

    [JsonPropertyName("leafWeight")]
    public ushort? LeafWeight { get; set; }
}

public sealed class LinuxThrottleDevice : LinuxBlockIODevice
{
    /// <summary>Bytes or operations per second.</summary>
    [JsonPropertyName("rate")]
    public ulong Rate { get; set; }
}

public sealed class LinuxHugepageLimit
{
    /// <summary>E.g. "2MB", "1GB".</summary>
    [JsonPropertyName("pageSize")]
    public string Pagesize { get; set; } = "";

    [JsonPropertyName("limit")]
    public ulong Limit { get; set; }
}

public sealed class LinuxNetwork
{
    [JsonPropertyName("classID")]
    public uint? ClassID { get; set; }

    [JsonPropertyName("priorities")]
    public List<LinuxInterfacePriority>? Priorities { get; set; }
}

public sealed class LinuxInterfacePriority
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("priority")]
    public uint Priority { get; set; }
}

public sealed class LinuxRdma
{
    [JsonPropertyName("hcaHandles")]
    public uint? HcaHandles { get; set; }

    [JsonPropertyName("hcaObjects")]
    public uint? HcaObjects { get; set; }
}
