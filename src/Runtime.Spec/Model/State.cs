using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>The spec's container state: what hooks read on stdin.</summary>
public sealed class State
{
    [JsonPropertyName("ociVersion")]
    public string OciVersion { get; set; } = "";

    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    /// <summary>One of <see cref="ContainerStatus"/>.</summary>
    [JsonPropertyName("status")]
    public string Status { get; set; } = "";

    /// <summary>Omitted when 0, as in specs-go.</summary>
    [JsonPropertyName("pid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Pid { get; set; }

    [JsonPropertyName("bundle")]
    public string Bundle { get; set; } = "";

    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>The status strings of the spec (runc adds "paused").</summary>
public static class ContainerStatus
{
    public const string Creating = "creating";
    public const string Created = "created";
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Paused = "paused";
}

/// <summary>
/// What <c>runsharp state</c> prints (and <c>list --format json</c> lists): runc's shape, a superset of
/// <see cref="State"/>. pid is always written (0 once stopped).
/// </summary>
public sealed class ContainerStateOutput
{
    [JsonPropertyName("ociVersion")]
    public string OciVersion { get; set; } = "";

    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    [JsonPropertyName("pid")]
    public int Pid { get; set; }

    [JsonPropertyName("status")]
    public string Status { get; set; } = "";

    [JsonPropertyName("bundle")]
    public string Bundle { get; set; } = "";

    [JsonPropertyName("rootfs")]
    public string Rootfs { get; set; } = "";

    /// <summary>RFC 3339 with nanoseconds, as Go's time.Time marshals (see <see cref="SpecJson.FormatTimestamp"/>).</summary>
    [JsonPropertyName("created")]
    public string Created { get; set; } = "";

    /// <summary>Leave null when there are none: runc omits an empty map.</summary>
    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }

    [JsonPropertyName("owner")]
    public string Owner { get; set; } = "";
}

/// <summary>What a seccomp listener receives with the notify fd (spec ContainerProcessState).</summary>
public sealed class ContainerProcessState
{
    [JsonPropertyName("ociVersion")]
    public string OciVersion { get; set; } = "";

    /// <summary>Names of the fds passed alongside, e.g. "seccompFd".</summary>
    [JsonPropertyName("fds")]
    public List<string> Fds { get; set; } = [];

    [JsonPropertyName("pid")]
    public int Pid { get; set; }

    [JsonPropertyName("metadata")]
    public string? Metadata { get; set; }

    [JsonPropertyName("state")]
    public State State { get; set; } = new();
}
