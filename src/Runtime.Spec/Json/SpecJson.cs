using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runsharp.Spec;

/// <summary>
/// An output style runc uses, for both writers: the hand-written ones (<see cref="JsonShape{T}"/>, on the hot paths)
/// and the source-generated context, built only when a cold command (spec, features, list) asks for it.
/// </summary>
public sealed class JsonStyle(JsonWriterOptions writer)
{
    private SpecJsonContext? _context;

    public JsonWriterOptions Writer { get; } = writer;

    /// <summary>The source-generated context in this style (its type metadata is built on first use).</summary>
    public SpecJsonContext Context => _context ??= new SpecJsonContext(new JsonSerializerOptions(SpecJsonContext.Default.Options)
    {
        Encoder = Writer.Encoder,
        WriteIndented = Writer.Indented,
        IndentCharacter = Writer.IndentCharacter,
        IndentSize = Writer.IndentSize,
    });
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

    // ---- hand-written writers: what lifecycle commands write on their way

    /// <summary>The spec state hooks read on stdin.</summary>
    public static string Serialize(State state, JsonStyle? style = null) =>
        JsonOut.ToText(StateShapes.State, state, (style ?? Compact).Writer);

    /// <summary>runc's <c>state</c> output; an empty annotations map is dropped as Go's omitempty does.</summary>
    public static string Serialize(ContainerStateOutput state, JsonStyle? style = null) =>
        JsonOut.ToText(StateShapes.Output, state, (style ?? Indented).Writer);

    /// <summary>What a seccomp listener receives with the notify fd.</summary>
    public static byte[] SerializeToUtf8(ContainerProcessState state, JsonStyle? style = null) =>
        JsonOut.ToUtf8(StateShapes.ProcessState, state, (style ?? Compact).Writer);

    // ---- the source-generated context: cold commands only

    public static string Serialize(Spec spec, JsonStyle? style = null) =>
        JsonSerializer.Serialize(spec, (style ?? Compact).Context.Spec);

    public static byte[] SerializeToUtf8(Spec spec, JsonStyle? style = null) =>
        JsonSerializer.SerializeToUtf8Bytes(spec, (style ?? Compact).Context.Spec);

    public static string Serialize(Features features, JsonStyle? style = null) =>
        JsonSerializer.Serialize(features, (style ?? Indented).Context.Features);

    public static string Serialize(Process process, JsonStyle? style = null) =>
        JsonSerializer.Serialize(process, (style ?? Compact).Context.Process);

    /// <summary>Serializes any type the context knows, in the given style.</summary>
    public static string Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(value, typeInfo);

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
