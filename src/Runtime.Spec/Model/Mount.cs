using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>One entry of <c>mounts</c>, applied in order.</summary>
public sealed class Mount
{
    [JsonPropertyName("destination")]
    public string Destination { get; set; } = "";

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("options")]
    public List<string>? Options { get; set; }

    /// <summary>Id-mapped mount (runtime-spec 1.2).</summary>
    [JsonPropertyName("uidMappings")]
    public List<LinuxIdMapping>? UidMappings { get; set; }

    [JsonPropertyName("gidMappings")]
    public List<LinuxIdMapping>? GidMappings { get; set; }
}
