using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Runsharp.Cgroups.Stats;

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
    public string ToJson()
    {
        // The writer does the escaping, so the generated fast path (the only code the context has) serves.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            JsonSerializer.Serialize(writer, this, EventsJsonContext.Default.ContainerEvent);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>Nothing is left out by default: runc prints "network_interfaces": null; the omitempty members say so
/// themselves (see CgroupStats). Serialization only: events never reads these back, and the metadata for
/// reading would cost about 80 KB of binary.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(ContainerEvent))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
