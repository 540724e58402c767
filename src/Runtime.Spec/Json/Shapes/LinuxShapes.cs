namespace Runsharp.Spec;

/// <summary>The <c>linux</c> section of config.json (resources and seccomp have files of their own). Read only.</summary>
public static class LinuxShapes
{
    public static readonly JsonShape<LinuxIdMapping> IdMapping = new(() => new LinuxIdMapping())
    {
        { "containerID", (ref j, m) => m.ContainerId = j.UInt32() },
        { "hostID", (ref j, m) => m.HostId = j.UInt32() },
        { "size", (ref j, m) => m.Size = j.UInt32() },
    };

    public static readonly JsonShape<LinuxTimeOffset> TimeOffset = new(() => new LinuxTimeOffset())
    {
        { "secs", (ref j, t) => t.Secs = j.Int64() },
        { "nanosecs", (ref j, t) => t.Nanosecs = j.UInt32() },
    };

    public static readonly JsonShape<LinuxNamespace> Namespace = new(() => new LinuxNamespace())
    {
        { "type", (ref j, ns) => ns.Type = j.String() },
        { "path", (ref j, ns) => ns.Path = j.StringOrNull() },
    };

    public static readonly JsonShape<LinuxDevice> Device = new(() => new LinuxDevice())
    {
        { "path", (ref j, d) => d.Path = j.String() },
        { "type", (ref j, d) => d.Type = j.String() },
        { "major", (ref j, d) => d.Major = j.Int64() },
        { "minor", (ref j, d) => d.Minor = j.Int64() },
        { "fileMode", (ref j, d) => d.FileMode = j.UInt32OrNull() },
        { "uid", (ref j, d) => d.Uid = j.UInt32OrNull() },
        { "gid", (ref j, d) => d.Gid = j.UInt32OrNull() },
    };

    public static readonly JsonShape<LinuxNetDevice> NetDevice = new(() => new LinuxNetDevice())
    {
        { "name", (ref j, d) => d.Name = j.StringOrNull() },
    };

    public static readonly JsonShape<LinuxIntelRdt> IntelRdt = new(() => new LinuxIntelRdt())
    {
        { "closID", (ref j, r) => r.ClosId = j.StringOrNull() },
        { "schemata", (ref j, r) => r.Schemata = j.StringListOrNull() },
        { "l3CacheSchema", (ref j, r) => r.L3CacheSchema = j.StringOrNull() },
        { "memBwSchema", (ref j, r) => r.MemBwSchema = j.StringOrNull() },
        { "enableMonitoring", (ref j, r) => r.EnableMonitoring = j.Bool() },
    };

    public static readonly JsonShape<LinuxPersonality> Personality = new(() => new LinuxPersonality())
    {
        { "domain", (ref j, p) => p.Domain = j.String() },
        { "flags", (ref j, p) => p.Flags = j.StringListOrNull() },
    };

    public static readonly JsonShape<LinuxMemoryPolicy> MemoryPolicy = new(() => new LinuxMemoryPolicy())
    {
        { "mode", (ref j, p) => p.Mode = j.String() },
        { "nodes", (ref j, p) => p.Nodes = j.StringOrNull() },
        { "flags", (ref j, p) => p.Flags = j.StringListOrNull() },
    };

    public static readonly JsonShape<Linux> Linux = new(() => new Linux())
    {
        { "uidMappings", (ref j, l) => l.UidMappings = j.ListOrNull(IdMapping) },
        { "gidMappings", (ref j, l) => l.GidMappings = j.ListOrNull(IdMapping) },
        { "sysctl", (ref j, l) => l.Sysctl = j.StringMapOrNull() },
        { "resources", (ref j, l) => l.Resources = j.ObjectOrNull(ResourceShapes.Resources) },
        { "cgroupsPath", (ref j, l) => l.CgroupsPath = j.StringOrNull() },
        { "namespaces", (ref j, l) => l.Namespaces = j.ListOrNull(Namespace) },
        { "devices", (ref j, l) => l.Devices = j.ListOrNull(Device) },
        { "netDevices", (ref j, l) => l.NetDevices = j.MapOrNull(NetDevice) },
        { "seccomp", (ref j, l) => l.Seccomp = j.ObjectOrNull(SeccompShapes.Seccomp) },
        { "rootfsPropagation", (ref j, l) => l.RootfsPropagation = j.StringOrNull() },
        { "maskedPaths", (ref j, l) => l.MaskedPaths = j.StringListOrNull() },
        { "readonlyPaths", (ref j, l) => l.ReadonlyPaths = j.StringListOrNull() },
        { "mountLabel", (ref j, l) => l.MountLabel = j.StringOrNull() },
        { "intelRdt", (ref j, l) => l.IntelRdt = j.ObjectOrNull(IntelRdt) },
        { "memoryPolicy", (ref j, l) => l.MemoryPolicy = j.ObjectOrNull(MemoryPolicy) },
        { "personality", (ref j, l) => l.Personality = j.ObjectOrNull(Personality) },
        { "timeOffsets", (ref j, l) => l.TimeOffsets = j.MapOrNull(TimeOffset) },
    };
}
