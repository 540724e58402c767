using System.Globalization;
using System.Text.Json;

namespace Runsharp.Spec;

/// <summary>An output style runc uses, for the <see cref="JsonShape{T}"/> writers.</summary>
public sealed class JsonStyle(JsonWriterOptions writer)
{
    public JsonWriterOptions Writer { get; } = writer;
}

/// <summary>Serialization helpers with the output styles runc uses.</summary>
public static class SpecJson
{
    /// <summary>Compact output (one line), e.g. for hook stdin.</summary>
    public static JsonStyle Compact { get; } = new(JsonOut.Style(indented: false));

    /// <summary>Two-space indentation, as runc prints <c>state</c> and <c>features</c>.</summary>
    public static JsonStyle Indented { get; } = new(JsonOut.Style(indented: true, ' ', 2));

    /// <summary>Tab indentation, as <c>runc spec</c> writes config.json.</summary>
    public static JsonStyle Tabbed { get; } = new(JsonOut.Style(indented: true, '\t', 1));

    /// <summary>The spec state hooks read on stdin.</summary>
    public static string Serialize(State state, JsonStyle? style = null) =>
        JsonOut.ToText(StateShapes.State, state, (style ?? Compact).Writer);

    /// <summary>runc's <c>state</c> output; an empty annotations map is dropped as Go's omitempty does.</summary>
    public static string Serialize(ContainerStateOutput state, JsonStyle? style = null) =>
        JsonOut.ToText(StateShapes.Output, state, (style ?? Indented).Writer);

    /// <summary><c>list --format json</c>: one compact array of <c>state</c>'s objects (runc's list omits empty annotations too).</summary>
    public static string Serialize(IEnumerable<ContainerStateOutput> states, JsonStyle? style = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, (style ?? Compact).Writer)) JsonOut.Array(writer, states, StateShapes.Output);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>What a seccomp listener receives with the notify fd.</summary>
    public static byte[] SerializeToUtf8(ContainerProcessState state, JsonStyle? style = null) =>
        JsonOut.ToUtf8(StateShapes.ProcessState, state, (style ?? Compact).Writer);

    /// <summary>A config.json (<c>spec</c> writes it tabbed).</summary>
    public static string Serialize(Spec spec, JsonStyle? style = null) =>
        JsonOut.ToText(SpecShapes.Spec, spec, (style ?? Compact).Writer);

    public static byte[] SerializeToUtf8(Spec spec, JsonStyle? style = null) =>
        JsonOut.ToUtf8(SpecShapes.Spec, spec, (style ?? Compact).Writer);

    public static string Serialize(Features features, JsonStyle? style = null) =>
        JsonOut.ToText(FeaturesShapes.Features, features, (style ?? Indented).Writer);

    public static string Serialize(Process process, JsonStyle? style = null) =>
        JsonOut.ToText(ProcessShapes.Process, process, (style ?? Compact).Writer);

    /// <summary>
    /// Formats a time as Go's RFC3339Nano (what runc writes for <c>created</c>): UTC, "Z", and the
    /// fraction without trailing zeros, omitted when zero.
    /// </summary>
    public static string FormatTimestamp(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();
        string text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        long fractionTicks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fractionTicks != 0)
        {
            // Ticks are 100 ns, so seven digits, padded to nine like Go, then trimmed.
            text += "." + (fractionTicks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }
        return text + "Z";
    }
}
