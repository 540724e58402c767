using System.Text.Json.Serialization;

namespace Runsharp.Cgroups.Stats;

// The "data" of `events` as runc 1.1 writes it (its types.Stats), because containerd's go-runc decodes exactly
// this shape. Go's omitempty drops zero numbers and empty lists or maps, but never a struct; here that is
// WhenWritingDefault on the numbers and lists (readers leave an empty list null) and nothing on the objects.
// Units: nanoseconds for cpu times, bytes for memory.

/// <summary>One container's resource usage.</summary>
public sealed class CgroupStats
{
    [JsonPropertyName("cpu")] public CpuStats Cpu { get; set; } = new();
    [JsonPropertyName("cpuset")] public CpusetStats Cpuset { get; set; } = new();
    [JsonPropertyName("memory")] public MemoryStats Memory { get; set; } = new();
    [JsonPropertyName("pids")] public PidsStats Pids { get; set; } = new();
    [JsonPropertyName("blkio")] public BlkioStats Blkio { get; set; } = new();
    /// <summary>Keyed by page size ("2MB"); always present, {} when the controller is absent.</summary>
    [JsonPropertyName("hugetlb")] public Dictionary<string, HugetlbStats> Hugetlb { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Intel RDT is not supported; runc prints {} when resctrl is off.</summary>
    [JsonPropertyName("intel_rdt")] public IntelRdtStats IntelRdt { get; set; } = new();
    /// <summary>runc fills this only for veth networks it set up itself, which OCI bundles never ask for: null.</summary>
    [JsonPropertyName("network_interfaces")] public List<NetworkInterfaceStats>? NetworkInterfaces { get; set; }
}

public sealed class CpuStats
{
    [JsonPropertyName("usage")] public CpuUsage Usage { get; set; } = new();
    [JsonPropertyName("throttling")] public CpuThrottling Throttling { get; set; } = new();
}

public sealed class CpuUsage
{
    [JsonPropertyName("total"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Total { get; set; }
    [JsonPropertyName("percpu"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<ulong>? PerCpu { get; set; }
    [JsonPropertyName("percpu_kernel"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<ulong>? PerCpuKernel { get; set; }
    [JsonPropertyName("percpu_user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<ulong>? PerCpuUser { get; set; }
    [JsonPropertyName("kernel")] public ulong Kernel { get; set; }
    [JsonPropertyName("user")] public ulong User { get; set; }
}

public sealed class CpuThrottling
{
    [JsonPropertyName("periods"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Periods { get; set; }
    [JsonPropertyName("throttledPeriods"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ThrottledPeriods { get; set; }
    [JsonPropertyName("throttledTime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ThrottledTime { get; set; }
}

/// <summary>v1 cpuset files; runc 1.1 leaves every field zero on cgroup v2.</summary>
public sealed class CpusetStats
{
    [JsonPropertyName("cpus"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<ushort>? Cpus { get; set; }
    [JsonPropertyName("cpu_exclusive")] public ulong CpuExclusive { get; set; }
    [JsonPropertyName("mems"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<ushort>? Mems { get; set; }
    [JsonPropertyName("mem_hardwall")] public ulong MemHardwall { get; set; }
    [JsonPropertyName("mem_exclusive")] public ulong MemExclusive { get; set; }
    [JsonPropertyName("memory_migrate")] public ulong MemoryMigrate { get; set; }
    [JsonPropertyName("memory_spread_page")] public ulong MemorySpreadPage { get; set; }
    [JsonPropertyName("memory_spread_slab")] public ulong MemorySpreadSlab { get; set; }
    [JsonPropertyName("memory_pressure")] public ulong MemoryPressure { get; set; }
    [JsonPropertyName("sched_load_balance")] public ulong SchedLoadBalance { get; set; }
    [JsonPropertyName("sched_relax_domain_level")] public long SchedRelaxDomainLevel { get; set; }
}

public sealed class MemoryStats
{
    [JsonPropertyName("cache"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Cache { get; set; }
    [JsonPropertyName("usage")] public MemoryEntry Usage { get; set; } = new();
    /// <summary>Memory plus swap, on v2 too (runc adds memory.current to memory.swap.current).</summary>
    [JsonPropertyName("swap")] public MemoryEntry Swap { get; set; } = new();
    [JsonPropertyName("kernel")] public MemoryEntry Kernel { get; set; } = new();
    [JsonPropertyName("kernelTCP")] public MemoryEntry KernelTcp { get; set; } = new();
    /// <summary>memory.stat as is, sorted by key as Go prints maps.</summary>
    [JsonPropertyName("raw"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public Dictionary<string, ulong>? Raw { get; set; }
}

public sealed class MemoryEntry
{
    [JsonPropertyName("limit")] public ulong Limit { get; set; }
    [JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Usage { get; set; }
    [JsonPropertyName("max"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Max { get; set; }
    [JsonPropertyName("failcnt")] public ulong Failcnt { get; set; }
}

public sealed class PidsStats
{
    [JsonPropertyName("current"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Current { get; set; }
    /// <summary>0 means no limit ("max").</summary>
    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Limit { get; set; }
}

public sealed class BlkioStats
{
    [JsonPropertyName("ioServiceBytesRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? IoServiceBytesRecursive { get; set; }
    [JsonPropertyName("ioServicedRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? IoServicedRecursive { get; set; }
    /// <summary>"ioQueueRecursive" (sic) is runc's name.</summary>
    [JsonPropertyName("ioQueueRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? IoQueuedRecursive { get; set; }
    [JsonPropertyName("ioServiceTimeRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? IoServiceTimeRecursive { get; set; }
    [JsonPropertyName("ioWaitTimeRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? IoWaitTimeRecursive { get; set; }
    [JsonPropertyName("ioMergedRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? IoMergedRecursive { get; set; }
    [JsonPropertyName("ioTimeRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? IoTimeRecursive { get; set; }
    [JsonPropertyName("sectorsRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public List<BlkioEntry>? SectorsRecursive { get; set; }
}

/// <summary>Every field is omitempty in runc, even major 0 or a value of 0.</summary>
public sealed class BlkioEntry
{
    [JsonPropertyName("major"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Major { get; set; }
    [JsonPropertyName("minor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Minor { get; set; }
    [JsonPropertyName("op"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public string? Op { get; set; }
    [JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Value { get; set; }
}

public sealed class HugetlbStats
{
    [JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Usage { get; set; }
    [JsonPropertyName("max"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Max { get; set; }
    [JsonPropertyName("failcnt")] public ulong Failcnt { get; set; }
}

/// <summary>Always {}: runsharp does not manage Intel RDT.</summary>
public sealed class IntelRdtStats;

/// <summary>Declared for the shape only (Go's field names, no tags).</summary>
public sealed class NetworkInterfaceStats
{
    public string Name { get; set; } = "";
    public ulong RxBytes { get; set; }
    public ulong RxPackets { get; set; }
    public ulong RxErrors { get; set; }
    public ulong RxDropped { get; set; }
    public ulong TxBytes { get; set; }
    public ulong TxPackets { get; set; }
    public ulong TxErrors { get; set; }
    public ulong TxDropped { get; set; }
}
