using System.Text.Json.Serialization;

namespace Runsharp.Container.State;

/// <summary>
/// What runsharp remembers about a container in &lt;root&gt;/&lt;id&gt;/state.json. Settings given only at
/// create (cgroup driver, cgroup path) live here, because later calls (kill, delete) omit them.
/// </summary>
public sealed class ContainerRecord
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("pid")] public int Pid { get; set; }
    /// <summary>The init's start time (clock ticks, /proc/pid/stat field 22): a reused pid never matches it.</summary>
    [JsonPropertyName("pidStartTime")] public ulong PidStartTime { get; set; }
    [JsonPropertyName("bundle")] public string Bundle { get; set; } = "";
    [JsonPropertyName("rootfs")] public string Rootfs { get; set; } = "";
    [JsonPropertyName("created")] public string Created { get; set; } = "";
    [JsonPropertyName("owner")] public string Owner { get; set; } = "";
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; set; }
    [JsonPropertyName("cgroupsPath")] public string? CgroupsPath { get; set; }
    /// <summary>The resolved directories: later commands may run in another cgroup, so they never re-resolve.</summary>
    [JsonPropertyName("cgroupMode")] public string? CgroupMode { get; set; }
    [JsonPropertyName("cgroupV1")] public Dictionary<string, string>? CgroupV1 { get; set; }
    [JsonPropertyName("cgroupUnified")] public string? CgroupUnified { get; set; }
    [JsonPropertyName("cgroupCreatedDepth")] public int CgroupCreatedDepth { get; set; }
    [JsonPropertyName("systemdCgroup")] public bool SystemdCgroup { get; set; }
    /// <summary>The cgroup resources in effect after the last `update` (the whole set, not the change); null until
    /// the first update, when the saved config.json's linux.resources still are. Kept as raw JSON and converted
    /// through the spec's own context, so this context does not compile a second LinuxResources serializer
    /// (about 100 KB of native code).</summary>
    [JsonPropertyName("resources")] public System.Text.Json.JsonElement? ResourcesJson { get; set; }

    [JsonIgnore]
    public Runsharp.Spec.LinuxResources? Resources
    {
        get => ResourcesJson is { } json ? System.Text.Json.JsonSerializer.Deserialize(json, Runsharp.Spec.SpecJsonContext.Default.LinuxResources) : null;
        set => ResourcesJson = value is null ? null : System.Text.Json.JsonSerializer.SerializeToElement(value, Runsharp.Spec.SpecJsonContext.Default.LinuxResources);
    }
}

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
