using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runsharp.Spec;

/// <summary>Serialization helpers over <see cref="SpecJsonContext"/> with the output styles runc uses.</summary>
public static class SpecJson
{
    /// <summary>Compact output (one line), e.g. for state.json on disk or hook stdin.</summary>
    public static SpecJsonContext Compact { get; } = Make(indented: false, '\0', 0);

    /// <summary>Two-space indentation, as runc prints <c>state</c> and <c>features</c>.</summary>
    public static SpecJsonContext Indented { get; } = Make(indented: true, ' ', 2);

    /// <summary>Tab indentation, as <c>runc spec</c> writes config.json.</summary>
    public static SpecJsonContext Tabbed { get; } = Make(indented: true, '\t', 1);

    private static SpecJsonContext Make(bool indented, char indentChar, int indentSize)
    {
        var options = new JsonSerializerOptions(SpecJsonContext.Default.Options)
        {
            // Go writes non-ASCII as is; the default encoder would turn it into \uXXXX.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = indented,
        };
        if (indented)
        {
            options.IndentCharacter = indentChar;
            options.IndentSize = indentSize;
        }
        return new SpecJsonContext(options);
    }

    public static string Serialize(Spec spec, SpecJsonContext? style = null) =>
        JsonSerializer.Serialize(spec, (style ?? Compact).Spec);

    public static byte[] SerializeToUtf8(Spec spec, SpecJsonContext? style = null) =>
        JsonSerializer.SerializeToUtf8Bytes(spec, (style ?? Compact).Spec);

    public static string Serialize(State state, SpecJsonContext? style = null) =>
        JsonSerializer.Serialize(state, (style ?? Compact).State);

    /// <summary>runc's <c>state</c> output; an empty annotations map is dropped as Go's omitempty does.</summary>
    public static string Serialize(ContainerStateOutput state, SpecJsonContext? style = null)
    {
        if (state.Annotations is { Count: 0 })
        {
            var annotations = state.Annotations;
            state.Annotations = null;
            try { return JsonSerializer.Serialize(state, (style ?? Indented).ContainerStateOutput); }
            finally { state.Annotations = annotations; }
        }
        return JsonSerializer.Serialize(state, (style ?? Indented).ContainerStateOutput);
    }

    public static string Serialize(Features features, SpecJsonContext? style = null) =>
        JsonSerializer.Serialize(features, (style ?? Indented).Features);

    public static string Serialize(Process process, SpecJsonContext? style = null) =>
        JsonSerializer.Serialize(process, (style ?? Compact).Process);

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
