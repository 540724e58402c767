using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runsharp.Spec;

/// <summary>
/// Turns System.Text.Json failures into our own messages. We never reuse the exception's text: its
/// wording is .NET's, not ours, and in trimmed AOT builds it can be a bare resource key.
/// </summary>
internal static class JsonErrorDescriber
{
    /// <summary>
    /// Checks syntax with a plain reader so that a later deserialization failure is known to be about
    /// shape or type, not syntax. Throws <see cref="SpecException"/> naming line and column.
    /// </summary>
    public static void CheckSyntax(ReadOnlySpan<byte> json, string source)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String || reader.TokenType == JsonTokenType.PropertyName)
                {
                    // Deserialization transcodes strings; find bad UTF-8 here, with a position.
                    if (!reader.ValueIsEscaped && System.Text.Unicode.Utf8.IsValid(reader.ValueSpan) is false)
                    {
                        throw new SpecException(
                            $"{source}: invalid JSON at {Position(json, reader.TokenStartIndex)}: invalid UTF-8 in a string");
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            long line = (ex.LineNumber ?? 0) + 1;
            long column = (ex.BytePositionInLine ?? 0) + 1;
            string what = DescribeBadByte(json, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
            throw new SpecException($"{source}: invalid JSON at line {line}, column {column}: {what}", null, ex);
        }
    }

    private static string Position(ReadOnlySpan<byte> json, long offset)
    {
        long line = 1, lineStart = 0;
        for (long i = 0; i < offset && i < json.Length; i++)
        {
            if (json[(int)i] == (byte)'\n') { line++; lineStart = i + 1; }
        }
        return $"line {line}, column {offset - lineStart + 1}";
    }

    private static string DescribeBadByte(ReadOnlySpan<byte> json, long lineNumber, long bytePosition)
    {
        long offset = 0;
        for (long line = 0; line < lineNumber && offset < json.Length; offset++)
        {
            if (json[(int)offset] == (byte)'\n') line++;
        }
        offset += bytePosition;
        if (offset >= json.Length) return "unexpected end of input";
        byte b = json[(int)offset];
        return b is >= 0x21 and < 0x7f
            ? $"unexpected character '{(char)b}'"
            : $"unexpected byte 0x{b:x2}";
    }

    /// <summary>Describes a deserialization failure at <c>ex.Path</c> in terms of the model and the document.</summary>
    public static SpecException Describe(JsonException ex, ReadOnlySpan<byte> json, JsonTypeInfo root, string source)
    {
        var segments = JsonPathSegments.Parse(ex.Path);
        string where = segments.Count == 0 ? source : JsonPathSegments.Format(segments);
        string? display = segments.Count == 0 ? null : where;
        Type? target = TargetType(root, segments);
        JsonElement? value = FindValue(json, segments);

        string message;
        if (target is null)
        {
            message = $"{where}: invalid value";
        }
        else if (value is { ValueKind: JsonValueKind.Number } number && IntegerRange(target) is { } range)
        {
            string raw = number.GetRawText();
            bool integral = raw.IndexOfAny(['.', 'e', 'E']) < 0;
            message = integral
                ? $"{where}: {raw} is out of range ({range.Min} to {range.Max})"
                : $"{where}: expected an integer, got {raw}";
        }
        else
        {
            message = value is { } found
                ? $"{where}: expected {Expected(root, target)}, got {Kind(found)}"
                : $"{where}: expected {Expected(root, target)}";
        }
        return new SpecException(message, display, ex);
    }

    private static Type? TargetType(JsonTypeInfo root, List<PathSegment> segments)
    {
        Type type = root.Type;
        foreach (var segment in segments)
        {
            if (!root.Options.TryGetTypeInfo(Underlying(type), out JsonTypeInfo? info)) return null;
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object when !segment.IsIndex:
                    var property = FindProperty(info, segment.Name!);
                    if (property is null) return null;
                    type = property.PropertyType;
                    break;
                case JsonTypeInfoKind.Enumerable when segment.IsIndex:
                case JsonTypeInfoKind.Dictionary when !segment.IsIndex:
                    if (info.ElementType is null) return null;
                    type = info.ElementType;
                    break;
                default:
                    return null;
            }
        }
        return type;
    }

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo info, string name)
    {
        JsonPropertyInfo? caseless = null;
        foreach (var property in info.Properties)
        {
            if (property.Name == name) return property;
            if (caseless is null && string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) caseless = property;
        }
        return caseless;
    }

    private static JsonElement? FindValue(ReadOnlySpan<byte> json, List<PathSegment> segments)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            JsonElement current = document.RootElement;
            foreach (var segment in segments)
            {
                if (segment.IsIndex)
                {
                    if (current.ValueKind != JsonValueKind.Array || segment.Index >= current.GetArrayLength()) return null;
                    current = current[segment.Index];
                }
                else
                {
                    if (current.ValueKind != JsonValueKind.Object) return null;
                    JsonElement? match = null;
                    foreach (var member in current.EnumerateObject())
                    {
                        if (member.Name == segment.Name) { match = member.Value; break; }
                        if (match is null && string.Equals(member.Name, segment.Name, StringComparison.OrdinalIgnoreCase)) match = member.Value;
                    }
                    if (match is null) return null;
                    current = match.Value;
                }
            }
            return current.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static string Expected(JsonTypeInfo root, Type type)
    {
        type = Underlying(type);
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (IntegerRange(type) is not null) return "a number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        root.Options.TryGetTypeInfo(type, out JsonTypeInfo? info);
        return info?.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ => "a valid value",
        };
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static (string Min, string Max)? IntegerRange(Type type)
    {
        type = Underlying(type);
        static (string, string) R<T>(T min, T max) where T : IFormattable =>
            (min.ToString(null, CultureInfo.InvariantCulture), max.ToString(null, CultureInfo.InvariantCulture));
        if (type == typeof(byte)) return R(byte.MinValue, byte.MaxValue);
        if (type == typeof(sbyte)) return R(sbyte.MinValue, sbyte.MaxValue);
        if (type == typeof(short)) return R(short.MinValue, short.MaxValue);
        if (type == typeof(ushort)) return R(ushort.MinValue, ushort.MaxValue);
        if (type == typeof(int)) return R(int.MinValue, int.MaxValue);
        if (type == typeof(uint)) return R(uint.MinValue, uint.MaxValue);
        if (type == typeof(long)) return R(long.MinValue, long.MaxValue);
        if (type == typeof(ulong)) return R(ulong.MinValue, ulong.MaxValue);
        return null;
    }
}
