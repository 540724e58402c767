namespace Runsharp.Spec;

/// <summary>The <c>linux</c> section of config.json (resources and seccomp have files of their own). Read, and written by <c>spec</c>.</summary>
public static class LinuxShapes
{
    public static readonly JsonShape<LinuxIdMapping> IdMapping = new(() => new LinuxIdMapping())
    {
        { "containerID", (ref j, m) => m.ContainerId = j.UInt32(), (w, n, m) => w.Number(n, m.ContainerId) },
        { "hostID", (ref j, m) => m.HostId = j.UInt32(), (w, n, m) => w.Number(n, m.HostId) },
        { "size", (ref j, m) => m.Size = j.UInt32(), (w, n, m) => w.Number(n, m.Size) },
    };

    public static readonly JsonShape<LinuxTimeOffset> TimeOffset = new(() => new LinuxTimeOffset())
    {
        { "secs", (ref j, t) => t.Secs = j.Int64(), (w, n, t) => w.NonZero(n, t.Secs) },
        { "nanosecs", (ref j, t) => t.Nanosecs = j.UInt32(), (w, n, t) => w.NonZero(n, t.Nanosecs) },
    };

    public static readonly JsonShape<LinuxNamespace> Namespace = new(() => new LinuxNamespace())
    {
        { "type", (ref j, ns) => ns.Type = j.String(), (w, n, ns) => w.String(n, ns.Type) },
        { "path", (ref j, ns) => ns.Path = j.StringOrNull(), (w, n, ns) => w.String(n, ns.Path) },
    };

    public static readonly JsonShape<LinuxDevice> Device = new(() => new LinuxDevice())
    {
        { "path", (ref j, d) => d.Path = j.String(), (w, n, d) => w.String(n, d.Path) },
        { "type", (ref j, d) => d.Type = j.String(), (w, n, d) => w.String(n, d.Type) },
        { "major", (ref j, d) => d.Major = j.Int64(), (w, n, d) => w.Number(n, d.Major) },
        { "minor", (ref j, d) => d.Minor = j.Int64(), (w, n, d) => w.Number(n, d.Minor) },
        { "fileMode", (ref j, d) => d.FileMode = j.UInt32OrNull(), (w, n, d) => w.Number(n, d.FileMode) },
        { "uid", (ref j, d) => d.Uid = j.UInt32OrNull(), (w, n, d) => w.Number(n, d.Uid) },
        { "gid", (ref j, d) => d.Gid = j.UInt32OrNull(), (w, n, d) => w.Number(n, d.Gid) },
    };

    public static readonly JsonShape<LinuxNetDevice> NetDevice = new(() => new LinuxNetDevice())
    {
        { "name", (ref j, d) => d.Name = j.StringOrNull(), (w, n, d) => w.String(n, d.Name) },
    };

    public static readonly JsonShape<LinuxIntelRdt> IntelRdt = new(() => new LinuxIntelRdt())
    {
        { "closID", (ref j, r) => r.ClosId = j.StringOrNull(), (w, n, r) => w.String(n, r.ClosId) },
        { "schemata", (ref j, r) => r.Schemata = j.StringListOrNull(), (w, n, r) => w.Strings(n, r.Schemata) },
        { "l3CacheSchema", (ref j, r) => r.L3CacheSchema = j.StringOrNull(), (w, n, r) => w.String(n, r.L3CacheSchema) },
        { "memBwSchema", (ref j, r) => r.MemBwSchema = j.StringOrNull(), (w, n, r) => w.String(n, r.MemBwSchema) },
        { "enableMonitoring", (ref j, r) => r.EnableMonitoring = j.Bool(), (w, n, r) => w.TrueOnly(n, r.EnableMonitoring) },
    };

    public static readonly JsonShape<LinuxPersonality> Personality = new(() => new LinuxPersonality())
    {
        { "domain", (ref j, p) => p.Domain = j.String(), (w, n, p) => w.String(n, p.Domain) },
        { "flags", (ref j, p) => p.Flags = j.StringListOrNull(), (w, n, p) => w.Strings(n, p.Flags) },
    };

    public static readonly JsonShape<LinuxMemoryPolicy> MemoryPolicy = new(() => new LinuxMemoryPolicy())
    {
        { "mode", (ref j, p) => p.Mode = j.String(), (w, n, p) => w.String(n, p.Mode) },
        { "nodes", (ref j, p) => p.Nodes = j.StringOrNull(), (w, n, p) => w.String(n, p.Nodes) },
        { "flags", (ref j, p) => p.Flags = j.StringListOrNull(), (w, n, p) => w.Strings(n, p.Flags) },
    };

    public static readonly JsonShape<Linux> Linux = new(() => new Linux())
    {
        { "uidMappings", (ref j, l) => l.UidMappings = j.ListOrNull(IdMapping), (w, n, l) => w.List(n, l.UidMappings, IdMapping) },
        { "gidMappings", (ref j, l) => l.GidMappings = j.ListOrNull(IdMapping), (w, n, l) => w.List(n, l.GidMappings, IdMapping) },
        { "sysctl", (ref j, l) => l.Sysctl = j.StringMapOrNull(), (w, n, l) => w.Map(n, l.Sysctl) },
        { "resources", (ref j, l) => l.Resources = j.ObjectOrNull(ResourceShapes.Resources), (w, n, l) => w.Object(n, l.Resources, ResourceShapes.Resources) },
        { "cgroupsPath", (ref j, l) => l.CgroupsPath = j.StringOrNull(), (w, n, l) => w.String(n, l.CgroupsPath) },
        { "namespaces", (ref j, l) => l.Namespaces = j.ListOrNull(Namespace), (w, n, l) => w.List(n, l.Namespaces, Namespace) },
        { "devices", (ref j, l) => l.Devices = j.ListOrNull(Device), (w, n, l) => w.List(n, l.Devices, Device) },
        { "netDevices", (ref j, l) => l.NetDevices = j.MapOrNull(NetDevice), (w, n, l) => w.Map(n, l.NetDevices, NetDevice) },
        { "seccomp", (ref j, l) => l.Seccomp = j.ObjectOrNull(SeccompShapes.Seccomp), (w, n, l) => w.Object(n, l.Seccomp, SeccompShapes.Seccomp) },
        { "rootfsPropagation", (ref j, l) => l.RootfsPropagation = j.StringOrNull(), (w, n, l) => w.String(n, l.RootfsPropagation) },
        { "maskedPaths", (ref j, l) => l.MaskedPaths = j.StringListOrNull(), (w, n, l) => w.Strings(n, l.MaskedPaths) },
        { "readonlyPaths", (ref j, l) => l.ReadonlyPaths = j.StringListOrNull(), (w, n, l) => w.Strings(n, l.ReadonlyPaths) },
        { "mountLabel", (ref j, l) => l.MountLabel = j.StringOrNull(), (w, n, l) => w.String(n, l.MountLabel) },
        { "intelRdt", (ref j, l) => l.IntelRdt = j.ObjectOrNull(IntelRdt), (w, n, l) => w.Object(n, l.IntelRdt, IntelRdt) },
        { "memoryPolicy", (ref j, l) => l.MemoryPolicy = j.ObjectOrNull(MemoryPolicy), (w, n, l) => w.Object(n, l.MemoryPolicy, MemoryPolicy) },
        { "personality", (ref j, l) => l.Personality = j.ObjectOrNull(Personality), (w, n, l) => w.Object(n, l.Personality, Personality) },
        { "timeOffsets", (ref j, l) => l.TimeOffsets = j.MapOrNull(TimeOffset), (w, n, l) => w.Map(n, l.TimeOffsets, TimeOffset) },
    };
}
