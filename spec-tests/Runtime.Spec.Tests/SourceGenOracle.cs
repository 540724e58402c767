using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runsharp.Spec.Tests;

/// <summary>
/// The loader as it was before the hand-written readers: System.Text.Json's source-generated deserializer, with its
/// exception turned into our wording by the model's type metadata. Kept here as the oracle the new readers are
/// compared with (same documents, same model, same errors).
/// </summary>
internal static class SourceGenOracle
{
    public static T Parse<T>(ReadOnlySpan<byte> utf8Json, JsonTypeInfo<T> typeInfo, string source)
    {
        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8Json = utf8Json[3..];
        JsonSyntax.Check(utf8Json, source);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(utf8Json, typeInfo);
        }
        catch (JsonException ex)
        {
            throw Describe(ex, utf8Json, typeInfo, source);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or FormatException)
        {
            throw new SpecException($"{source}: unable to decode", null, ex);
        }
        return value ?? throw new SpecException($"{source}: expected an object, got null");
    }

    /// <summary>Describes a deserialization failure at <c>ex.Path</c> in terms of the model and the document.</summary>
    public static SpecException Describe(JsonException ex, ReadOnlySpan<byte> json, JsonTypeInfo root, string source)
    {
        var segments = ParsePath(ex.Path);
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

    private static List<PathSegment> ParsePath(string? path)
    {
        var segments = new List<PathSegment>();
        if (string.IsNullOrEmpty(path)) return segments;
        int i = path[0] == '$' ? 1 : 0;
        while (i < path.Length)
        {
            char c = path[i];
            if (c == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[') end++;
                segments.Add(new PathSegment(path[(i + 1)..end], -1));
                i = end;
            }
            else if (c == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                // Quoted member name; STJ escapes a quote inside it with a backslash.
                var name = new StringBuilder();
                int j = i + 2;
                for (; j < path.Length; j++)
                {
                    if (path[j] == '\\' && j + 1 < path.Length) { name.Append(path[++j]); continue; }
                    if (path[j] == '\'' && j + 1 < path.Length && path[j + 1] == ']') break;
                    name.Append(path[j]);
                }
                segments.Add(new PathSegment(name.ToString(), -1));
                i = j + 2;
            }
            else if (c == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0) break;
                segments.Add(int.TryParse(path.AsSpan(i + 1, end - i - 1), out int index)
                    ? new PathSegment(null, index)
                    : new PathSegment(path[(i + 1)..end], -1));
                i = end + 1;
            }
            else
            {
                // Not a shape we know; keep the rest as one name rather than guess.
                segments.Add(new PathSegment(path[i..], -1));
                break;
            }
        }
        return segments;
    }
}
