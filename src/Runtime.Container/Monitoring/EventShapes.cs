using System.Text.Json;
using Runsharp.Cgroups.Stats;
using Runsharp.Spec;

namespace Runsharp.Container.Monitoring;

/// <summary>
/// The JSON form of an `events` line (runc 1.1's types.Event and types.Stats), written with <see cref="JsonShape{T}"/>
/// tables so the runtime carries no serializer metadata. Go's omitempty drops zero numbers and nil lists or maps but
/// never a struct; the rows say which members are omitempty (NonZero, or a null list left out) and which are always
/// written (objects, and network_interfaces, which is null).
/// </summary>
public static class EventShapes
{
    private static readonly JsonShape<CpuUsage> CpuUsage = new(() => new())
    {
        { "total", (w, n, u) => w.NonZero(n, u.Total) },
        { "percpu", (w, n, u) => w.Numbers(n, u.PerCpu) },
        { "percpu_kernel", (w, n, u) => w.Numbers(n, u.PerCpuKernel) },
        { "percpu_user", (w, n, u) => w.Numbers(n, u.PerCpuUser) },
        { "kernel", (w, n, u) => w.Number(n, u.Kernel) },
        { "user", (w, n, u) => w.Number(n, u.User) },
    };

    private static readonly JsonShape<CpuThrottling> CpuThrottling = new(() => new())
    {
        { "periods", (w, n, t) => w.NonZero(n, t.Periods) },
        { "throttledPeriods", (w, n, t) => w.NonZero(n, t.ThrottledPeriods) },
        { "throttledTime", (w, n, t) => w.NonZero(n, t.ThrottledTime) },
    };

    private static readonly JsonShape<CpuStats> Cpu = new(() => new())
    {
        { "usage", (w, n, c) => Always(w, n, c.Usage, CpuUsage) },
        { "throttling", (w, n, c) => Always(w, n, c.Throttling, CpuThrottling) },
    };

    private static readonly JsonShape<CpusetStats> Cpuset = new(() => new())
    {
        { "cpus", (w, n, c) => w.Numbers(n, c.Cpus) },
        { "cpu_exclusive", (w, n, c) => w.Number(n, c.CpuExclusive) },
        { "mems", (w, n, c) => w.Numbers(n, c.Mems) },
        { "mem_hardwall", (w, n, c) => w.Number(n, c.MemHardwall) },
        { "mem_exclusive", (w, n, c) => w.Number(n, c.MemExclusive) },
        { "memory_migrate", (w, n, c) => w.Number(n, c.MemoryMigrate) },
        { "memory_spread_page", (w, n, c) => w.Number(n, c.MemorySpreadPage) },
        { "memory_spread_slab", (w, n, c) => w.Number(n, c.MemorySpreadSlab) },
        { "memory_pressure", (w, n, c) => w.Number(n, c.MemoryPressure) },
        { "sched_load_balance", (w, n, c) => w.Number(n, c.SchedLoadBalance) },
        { "sched_relax_domain_level", (w, n, c) => w.Number(n, c.SchedRelaxDomainLevel) },
    };

    private static readonly JsonShape<MemoryEntry> MemoryEntry = new(() => new())
    {
        { "limit", (w, n, e) => w.Number(n, e.Limit) },
        { "usage", (w, n, e) => w.NonZero(n, e.Usage) },
        { "max", (w, n, e) => w.NonZero(n, e.Max) },
        { "failcnt", (w, n, e) => w.Number(n, e.Failcnt) },
    };

    private static readonly JsonShape<MemoryStats> Memory = new(() => new())
    {
        { "cache", (w, n, m) => w.NonZero(n, m.Cache) },
        { "usage", (w, n, m) => Always(w, n, m.Usage, MemoryEntry) },
        { "swap", (w, n, m) => Always(w, n, m.Swap, MemoryEntry) },
        { "kernel", (w, n, m) => Always(w, n, m.Kernel, MemoryEntry) },
        { "kernelTCP", (w, n, m) => Always(w, n, m.KernelTcp, MemoryEntry) },
        { "raw", (w, n, m) => w.Map(n, m.Raw) },
    };

    private static readonly JsonShape<PidsStats> Pids = new(() => new())
    {
        { "current", (w, n, p) => w.NonZero(n, p.Current) },
        { "limit", (w, n, p) => w.NonZero(n, p.Limit) },
    };

    private static readonly JsonShape<BlkioEntry> BlkioEntry = new(() => new())
    {
        { "major", (w, n, e) => w.NonZero(n, e.Major) },
        { "minor", (w, n, e) => w.NonZero(n, e.Minor) },
        { "op", (w, n, e) => w.String(n, e.Op) },
        { "value", (w, n, e) => w.NonZero(n, e.Value) },
    };

    private static readonly JsonShape<BlkioStats> Blkio = new(() => new())
    {
        { "ioServiceBytesRecursive", (w, n, b) => w.List(n, b.IoServiceBytesRecursive, BlkioEntry) },
        { "ioServicedRecursive", (w, n, b) => w.List(n, b.IoServicedRecursive, BlkioEntry) },
        { "ioQueueRecursive", (w, n, b) => w.List(n, b.IoQueuedRecursive, BlkioEntry) },
        { "ioServiceTimeRecursive", (w, n, b) => w.List(n, b.IoServiceTimeRecursive, BlkioEntry) },
        { "ioWaitTimeRecursive", (w, n, b) => w.List(n, b.IoWaitTimeRecursive, BlkioEntry) },
        { "ioMergedRecursive", (w, n, b) => w.List(n, b.IoMergedRecursive, BlkioEntry) },
        { "ioTimeRecursive", (w, n, b) => w.List(n, b.IoTimeRecursive, BlkioEntry) },
        { "sectorsRecursive", (w, n, b) => w.List(n, b.SectorsRecursive, BlkioEntry) },
    };

    private static readonly JsonShape<HugetlbStats> Hugetlb = new(() => new())
    {
        { "usage", (w, n, h) => w.NonZero(n, h.Usage) },
        { "max", (w, n, h) => w.NonZero(n, h.Max) },
        { "failcnt", (w, n, h) => w.Number(n, h.Failcnt) },
    };

    private static readonly JsonShape<IntelRdtStats> IntelRdt = new(() => new());

    /// <summary>Go's field names: runc's struct has no tags.</summary>
    private static readonly JsonShape<NetworkInterfaceStats> NetworkInterface = new(() => new())
    {
        { "Name", (w, n, i) => w.WriteString(n, i.Name) },
        { "RxBytes", (w, n, i) => w.Number(n, i.RxBytes) },
        { "RxPackets", (w, n, i) => w.Number(n, i.RxPackets) },
        { "RxErrors", (w, n, i) => w.Number(n, i.RxErrors) },
        { "RxDropped", (w, n, i) => w.Number(n, i.RxDropped) },
        { "TxBytes", (w, n, i) => w.Number(n, i.TxBytes) },
        { "TxPackets", (w, n, i) => w.Number(n, i.TxPackets) },
        { "TxErrors", (w, n, i) => w.Number(n, i.TxErrors) },
        { "TxDropped", (w, n, i) => w.Number(n, i.TxDropped) },
    };

    public static readonly JsonShape<CgroupStats> Stats = new(() => new())
    {
        { "cpu", (w, n, s) => Always(w, n, s.Cpu, Cpu) },
        { "cpuset", (w, n, s) => Always(w, n, s.Cpuset, Cpuset) },
        { "memory", (w, n, s) => Always(w, n, s.Memory, Memory) },
        { "pids", (w, n, s) => Always(w, n, s.Pids, Pids) },
        { "blkio", (w, n, s) => Always(w, n, s.Blkio, Blkio) },
        {
            "hugetlb", (w, n, s) =>
            {
                if (s.Hugetlb is null) w.WriteNull(n);
                else w.Map(n, s.Hugetlb, Hugetlb);
            }
        },
        { "intel_rdt", (w, n, s) => Always(w, n, s.IntelRdt, IntelRdt) },
        {
            "network_interfaces", (w, n, s) =>
            {
                if (s.NetworkInterfaces is null) w.WriteNull(n);
                else w.List(n, s.NetworkInterfaces, NetworkInterface);
            }
        },
    };

    public static readonly JsonShape<ContainerEvent> Event = new(() => new())
    {
        { "type", (w, n, e) => w.WriteString(n, e.Type) },
        { "id", (w, n, e) => w.WriteString(n, e.Id) },
        { "data", (w, n, e) => w.Object(n, e.Data, Stats) },
    };

    /// <summary>A member Go never leaves out (a struct): null only if the model held none.</summary>
    private static void Always<T>(Utf8JsonWriter w, JsonEncodedText name, T? value, JsonShape<T> shape) where T : class
    {
        if (value is null) w.WriteNull(name);
        else w.Object(name, value, shape);
    }
}
