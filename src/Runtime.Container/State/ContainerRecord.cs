using Runsharp.Spec;

namespace Runsharp.Container.State;

/// <summary>
/// What runsharp remembers about a container in &lt;root&gt;/&lt;id&gt;/state.json. Settings given only at
/// create (cgroup driver, cgroup path) live here, because later calls (kill, delete) omit them.
/// </summary>
public sealed class ContainerRecord
{
    public string OciVersion { get; set; } = "";
    public string Id { get; set; } = "";
    public int Pid { get; set; }
    /// <summary>The init's start time (clock ticks, /proc/pid/stat field 22): a reused pid never matches it.</summary>
    public ulong PidStartTime { get; set; }
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    public string Created { get; set; } = "";
    public string Owner { get; set; } = "";
    public Dictionary<string, string>? Annotations { get; set; }
    public string? CgroupsPath { get; set; }
    /// <summary>The resolved directories: later commands may run in another cgroup, so they never re-resolve.</summary>
    public string? CgroupMode { get; set; }
    public Dictionary<string, string>? CgroupV1 { get; set; }
    public string? CgroupUnified { get; set; }
    /// <summary>The most <see cref="CgroupCreatedDepths"/> holds (all that state written before it was recorded has).</summary>
    public int CgroupCreatedDepth { get; set; }
    /// <summary>Per cgroup directory, how many trailing components create made: delete removes that much, in each
    /// hierarchy on its own.</summary>
    public Dictionary<string, int>? CgroupCreatedDepths { get; set; }
    public bool SystemdCgroup { get; set; }
    /// <summary>The cgroup resources in effect after the last `update` (the whole set, not the change); null until
    /// the first update, when the saved config.json's linux.resources still are.</summary>
    public LinuxResources? Resources { get; set; }

    /// <summary>
    /// state.json's form: compact, with System.Text.Json's default escaping (non-ASCII and HTML-sensitive characters
    /// as \uXXXX) and nulls left out, byte for byte what the source-generated context wrote before, so state written
    /// by either binary loads in the other.
    /// </summary>
    public static readonly JsonShape<ContainerRecord> Json = new(() => new ContainerRecord())
    {
        { "ociVersion", (ref j, r) => r.OciVersion = j.String(), (w, n, r) => w.String(n, r.OciVersion) },
        { "id", (ref j, r) => r.Id = j.String(), (w, n, r) => w.String(n, r.Id) },
        { "pid", (ref j, r) => r.Pid = j.Int32(), (w, n, r) => w.Number(n, r.Pid) },
        { "pidStartTime", (ref j, r) => r.PidStartTime = j.UInt64(), (w, n, r) => w.Number(n, r.PidStartTime) },
        { "bundle", (ref j, r) => r.Bundle = j.String(), (w, n, r) => w.String(n, r.Bundle) },
        { "rootfs", (ref j, r) => r.Rootfs = j.String(), (w, n, r) => w.String(n, r.Rootfs) },
        { "created", (ref j, r) => r.Created = j.String(), (w, n, r) => w.String(n, r.Created) },
        { "owner", (ref j, r) => r.Owner = j.String(), (w, n, r) => w.String(n, r.Owner) },
        { "annotations", (ref j, r) => r.Annotations = j.StringMapOrNull(), (w, n, r) => w.Map(n, r.Annotations) },
        { "cgroupsPath", (ref j, r) => r.CgroupsPath = j.StringOrNull(), (w, n, r) => w.String(n, r.CgroupsPath) },
        { "cgroupMode", (ref j, r) => r.CgroupMode = j.StringOrNull(), (w, n, r) => w.String(n, r.CgroupMode) },
        { "cgroupV1", (ref j, r) => r.CgroupV1 = j.StringMapOrNull(), (w, n, r) => w.Map(n, r.CgroupV1) },
        { "cgroupUnified", (ref j, r) => r.CgroupUnified = j.StringOrNull(), (w, n, r) => w.String(n, r.CgroupUnified) },
        { "cgroupCreatedDepth", (ref j, r) => r.CgroupCreatedDepth = j.Int32(), (w, n, r) => w.Number(n, r.CgroupCreatedDepth) },
        { "cgroupCreatedDepths", (ref j, r) => r.CgroupCreatedDepths = j.MapOrNull(static (ref v) => v.Int32()), (w, n, r) => w.Map(n, r.CgroupCreatedDepths) },
        { "systemdCgroup", (ref j, r) => r.SystemdCgroup = j.Bool(), (w, n, r) => w.Bool(n, r.SystemdCgroup) },
        { "resources", (ref j, r) => r.Resources = j.ObjectOrNull(ResourceShapes.Resources), (w, n, r) => w.Object(n, r.Resources, ResourceShapes.Resources) },
    };
}
