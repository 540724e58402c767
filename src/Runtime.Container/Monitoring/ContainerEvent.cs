using System.Text.Json.Serialization;
using Runsharp.Cgroups.Stats;
using Runsharp.Spec;

namespace Runsharp.Container.Monitoring;

/// <summary>One line of `events`: {"type":"stats","id":...,"data":{...}} or {"type":"oom","id":...}, runc's
/// types.Event.</summary>
public sealed class ContainerEvent
{
    public const string StatsType = "stats", OomType = "oom";

    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CgroupStats? Data { get; set; }

    /// <summary>Compact JSON as Go's encoder writes it (non-ASCII and '+' unescaped), without the newline.</summary>
    public string ToJson() => JsonOut.ToText(EventShapes.Event, this, JsonOut.Style(indented: false));
}
