using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>Lifecycle hooks; each runs with the spec <see cref="State"/> on stdin.</summary>
public sealed class Hooks
{
    /// <summary>Deprecated by the spec, still honoured by runc (runs at createRuntime time).</summary>
    [JsonPropertyName("prestart")]
    public List<Hook>? Prestart { get; set; }

    [JsonPropertyName("createRuntime")]
    public List<Hook>? CreateRuntime { get; set; }

    [JsonPropertyName("createContainer")]
    public List<Hook>? CreateContainer { get; set; }

    [JsonPropertyName("startContainer")]
    public List<Hook>? StartContainer { get; set; }

    [JsonPropertyName("poststart")]
    public List<Hook>? Poststart { get; set; }

    [JsonPropertyName("poststop")]
    public List<Hook>? Poststop { get; set; }
}

public sealed class Hook
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [JsonPropertyName("args")]
    public List<string>? Args { get; set; }

    [JsonPropertyName("env")]
    public List<string>? Env { get; set; }

    /// <summary>Seconds; must be positive when set.</summary>
    [JsonPropertyName("timeout")]
    public int? Timeout { get; set; }
}
