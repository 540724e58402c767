namespace Runsharp.Spec;

/// <summary>
/// <c>linux.resources</c> and the payload of <c>update -r</c>. Written too: state.json keeps the resources in effect
/// after an update.
/// </summary>
public static class ResourceShapes
{
    public static readonly JsonShape<LinuxDeviceCgroup> DeviceRule = new(() => new LinuxDeviceCgroup())
    {
        { "allow", (ref j, d) => d.Allow = j.Bool(), (w, n, d) => w.Bool(n, d.Allow) },
        { "type", (ref j, d) => d.Type = j.StringOrNull(), (w, n, d) => w.String(n, d.Type) },
        { "major", (ref j, d) => d.Major = j.Int64OrNull(), (w, n, d) => w.Number(n, d.Major) },
        { "minor", (ref j, d) => d.Minor = j.Int64OrNull(), (w, n, d) => w.Number(n, d.Minor) },
        { "access", (ref j, d) => d.Access = j.StringOrNull(), (w, n, d) => w.String(n, d.Access) },
    };

    public static readonly JsonShape<LinuxMemory> Memory = new(() => new LinuxMemory())
    {
        { "limit", (ref j, m) => m.Limit = j.Int64OrNull(), (w, n, m) => w.Number(n, m.Limit) },
        { "reservation", (ref j, m) => m.Reservation = j.Int64OrNull(), (w, n, m) => w.Number(n, m.Reservation) },
        { "swap", (ref j, m) => m.Swap = j.Int64OrNull(), (w, n, m) => w.Number(n, m.Swap) },
        { "kernel", (ref j, m) => m.Kernel = j.Int64OrNull(), (w, n, m) => w.Number(n, m.Kernel) },
        { "kernelTCP", (ref j, m) => m.KernelTCP = j.Int64OrNull(), (w, n, m) => w.Number(n, m.KernelTCP) },
        { "swappiness", (ref j, m) => m.Swappiness = j.UInt64OrNull(), (w, n, m) => w.Number(n, m.Swappiness) },
        { "disableOOMKiller", (ref j, m) => m.DisableOOMKiller = j.BoolOrNull(), (w, n, m) => w.Bool(n, m.DisableOOMKiller) },
        { "useHierarchy", (ref j, m) => m.UseHierarchy = j.BoolOrNull(), (w, n, m) => w.Bool(n, m.UseHierarchy) },
        { "checkBeforeUpdate", (ref j, m) => m.CheckBeforeUpdate = j.BoolOrNull(), (w, n, m) => w.Bool(n, m.CheckBeforeUpdate) },
    };

    public static readonly JsonShape<LinuxCpu> Cpu = new(() => new LinuxCpu())
    {
        { "shares", (ref j, c) => c.Shares = j.UInt64OrNull(), (w, n, c) => w.Number(n, c.Shares) },
        { "quota", (ref j, c) => c.Quota = j.Int64OrNull(), (w, n, c) => w.Number(n, c.Quota) },
        { "burst", (ref j, c) => c.Burst = j.UInt64OrNull(), (w, n, c) => w.Number(n, c.Burst) },
        { "period", (ref j, c) => c.Period = j.UInt64OrNull(), (w, n, c) => w.Number(n, c.Period) },
        { "realtimeRuntime", (ref j, c) => c.RealtimeRuntime = j.Int64OrNull(), (w, n, c) => w.Number(n, c.RealtimeRuntime) },
        { "realtimePeriod", (ref j, c) => c.RealtimePeriod = j.UInt64OrNull(), (w, n, c) => w.Number(n, c.RealtimePeriod) },
        { "cpus", (ref j, c) => c.Cpus = j.StringOrNull(), (w, n, c) => w.String(n, c.Cpus) },
        { "mems", (ref j, c) => c.Mems = j.StringOrNull(), (w, n, c) => w.String(n, c.Mems) },
        { "idle", (ref j, c) => c.Idle = j.Int64OrNull(), (w, n, c) => w.Number(n, c.Idle) },
    };

    public static readonly JsonShape<LinuxPids> Pids = new(() => new LinuxPids())
    {
        { "limit", (ref j, p) => p.Limit = j.Int64OrNull(), (w, n, p) => w.Number(n, p.Limit) },
    };

    // Go writes the embedded major/minor first.
    public static readonly JsonShape<LinuxWeightDevice> WeightDevice = new(() => new LinuxWeightDevice())
    {
        { "major", (ref j, d) => d.Major = j.Int64(), (w, n, d) => w.Number(n, d.Major) },
        { "minor", (ref j, d) => d.Minor = j.Int64(), (w, n, d) => w.Number(n, d.Minor) },
        { "weight", (ref j, d) => d.Weight = j.UInt16OrNull(), (w, n, d) => w.Number(n, d.Weight) },
        { "leafWeight", (ref j, d) => d.LeafWeight = j.UInt16OrNull(), (w, n, d) => w.Number(n, d.LeafWeight) },
    };

    public static readonly JsonShape<LinuxThrottleDevice> Throttle = new(() => new LinuxThrottleDevice())
    {
        { "major", (ref j, d) => d.Major = j.Int64(), (w, n, d) => w.Number(n, d.Major) },
        { "minor", (ref j, d) => d.Minor = j.Int64(), (w, n, d) => w.Number(n, d.Minor) },
        { "rate", (ref j, d) => d.Rate = j.UInt64(), (w, n, d) => w.Number(n, d.Rate) },
    };

    public static readonly JsonShape<LinuxBlockIO> BlockIO = new(() => new LinuxBlockIO())
    {
        { "weight", (ref j, b) => b.Weight = j.UInt16OrNull(), (w, n, b) => w.Number(n, b.Weight) },
        { "leafWeight", (ref j, b) => b.LeafWeight = j.UInt16OrNull(), (w, n, b) => w.Number(n, b.LeafWeight) },
        { "weightDevice", (ref j, b) => b.WeightDevice = j.ListOrNull(WeightDevice), (w, n, b) => w.List(n, b.WeightDevice, WeightDevice) },
        { "throttleReadBpsDevice", (ref j, b) => b.ThrottleReadBpsDevice = j.ListOrNull(Throttle), (w, n, b) => w.List(n, b.ThrottleReadBpsDevice, Throttle) },
        { "throttleWriteBpsDevice", (ref j, b) => b.ThrottleWriteBpsDevice = j.ListOrNull(Throttle), (w, n, b) => w.List(n, b.ThrottleWriteBpsDevice, Throttle) },
        { "throttleReadIOPSDevice", (ref j, b) => b.ThrottleReadIOPSDevice = j.ListOrNull(Throttle), (w, n, b) => w.List(n, b.ThrottleReadIOPSDevice, Throttle) },
        { "throttleWriteIOPSDevice", (ref j, b) => b.ThrottleWriteIOPSDevice = j.ListOrNull(Throttle), (w, n, b) => w.List(n, b.ThrottleWriteIOPSDevice, Throttle) },
    };

    public static readonly JsonShape<LinuxHugepageLimit> Hugepages = new(() => new LinuxHugepageLimit())
    {
        { "pageSize", (ref j, h) => h.Pagesize = j.String(), (w, n, h) => w.String(n, h.Pagesize) },
        { "limit", (ref j, h) => h.Limit = j.UInt64(), (w, n, h) => w.Number(n, h.Limit) },
    };

    public static readonly JsonShape<LinuxInterfacePriority> Priority = new(() => new LinuxInterfacePriority())
    {
        { "name", (ref j, p) => p.Name = j.String(), (w, n, p) => w.String(n, p.Name) },
        { "priority", (ref j, p) => p.Priority = j.UInt32(), (w, n, p) => w.Number(n, p.Priority) },
    };

    public static readonly JsonShape<LinuxNetwork> Network = new(() => new LinuxNetwork())
    {
        { "classID", (ref j, x) => x.ClassID = j.UInt32OrNull(), (w, n, x) => w.Number(n, x.ClassID) },
        { "priorities", (ref j, x) => x.Priorities = j.ListOrNull(Priority), (w, n, x) => w.List(n, x.Priorities, Priority) },
    };

    public static readonly JsonShape<LinuxRdma> Rdma = new(() => new LinuxRdma())
    {
        { "hcaHandles", (ref j, r) => r.HcaHandles = j.UInt32OrNull(), (w, n, r) => w.Number(n, r.HcaHandles) },
        { "hcaObjects", (ref j, r) => r.HcaObjects = j.UInt32OrNull(), (w, n, r) => w.Number(n, r.HcaObjects) },
    };

    public static readonly JsonShape<LinuxResources> Resources = new(() => new LinuxResources())
    {
        { "devices", (ref j, r) => r.Devices = j.ListOrNull(DeviceRule), (w, n, r) => w.List(n, r.Devices, DeviceRule) },
        { "memory", (ref j, r) => r.Memory = j.ObjectOrNull(Memory), (w, n, r) => w.Object(n, r.Memory, Memory) },
        { "cpu", (ref j, r) => r.Cpu = j.ObjectOrNull(Cpu), (w, n, r) => w.Object(n, r.Cpu, Cpu) },
        { "pids", (ref j, r) => r.Pids = j.ObjectOrNull(Pids), (w, n, r) => w.Object(n, r.Pids, Pids) },
        { "blockIO", (ref j, r) => r.BlockIO = j.ObjectOrNull(BlockIO), (w, n, r) => w.Object(n, r.BlockIO, BlockIO) },
        { "hugepageLimits", (ref j, r) => r.HugepageLimits = j.ListOrNull(Hugepages), (w, n, r) => w.List(n, r.HugepageLimits, Hugepages) },
        { "network", (ref j, r) => r.Network = j.ObjectOrNull(Network), (w, n, r) => w.Object(n, r.Network, Network) },
        { "rdma", (ref j, r) => r.Rdma = j.MapOrNull(Rdma), (w, n, r) => w.Map(n, r.Rdma, Rdma) },
        { "unified", (ref j, r) => r.Unified = j.StringMapOrNull(), (w, n, r) => w.Map(n, r.Unified) },
    };
}
