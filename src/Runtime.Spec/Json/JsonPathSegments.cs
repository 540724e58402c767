using System.Text;
using System.Text.Json;

namespace Runsharp.Spec;

/// <summary>One step of a JSON path: a member name or an array index.</summary>
internal readonly record struct PathSegment(string? Name, int Index)
{
    public bool IsIndex => Name is null;
}

/// <summary>
/// Finds the JSON path of a token by its offset in the document, and formats paths the way users read them
/// (<c>a.b[2]["c.d"]</c>). Member names are as the document spells them.
/// </summary>
internal static class JsonPathSegments
{
    /// <summary>
    /// The path of the token that starts at <paramref name="offset"/> (a value or a member name), found by reading
    /// <paramref name="json"/> again from the start: only errors need it, so reads keep no path as they go.
    /// Empty for the document itself (or if the offset is not a token's start).
    /// </summary>
    public static List<PathSegment> Locate(ReadOnlySpan<byte> json, long offset)
    {
        // One frame per open container: an array's frame counts its elements, an object's holds the current member.
        var frames = new List<PathSegment>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonIn.MaxDepth });
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    frames.RemoveAt(frames.Count - 1);
                    continue;
                }
                if (token == JsonTokenType.PropertyName)
                {
                    frames[^1] = new PathSegment(Name(ref reader), -1);
                    if (reader.TokenStartIndex == offset) return frames;
                    continue;
                }
                if (frames.Count > 0 && frames[^1].IsIndex) frames[^1] = new PathSegment(null, frames[^1].Index + 1);
                if (reader.TokenStartIndex == offset) return frames;
                if (token == JsonTokenType.StartObject) frames.Add(new PathSegment("", -1));
                else if (token == JsonTokenType.StartArray) frames.Add(new PathSegment(null, -1));
            }
        }
        catch (JsonException)
        {
            // A document that fails here failed the syntax check first; nothing to locate.
        }
        return [];
    }

    /// <summary>A member name for display; one that cannot be unescaped is shown as written.</summary>
    private static string Name(ref Utf8JsonReader reader)
    {
        try { return reader.GetString()!; }
        catch (InvalidOperationException) { return Encoding.UTF8.GetString(reader.ValueSpan); }
    }

    /// <summary>Display form: dotted names, [n] for indexes, ["key"] for names that are not plain words.</summary>
    public static string Format(IReadOnlyList<PathSegment> segments)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment.IsIndex)
            {
                text.Append('[').Append(segment.Index).Append(']');
            }
            else if (IsPlainName(segment.Name!))
            {
                if (text.Length > 0) text.Append('.');
                text.Append(segment.Name);
            }
            else
            {
                text.Append("[\"").Append(segment.Name!.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\"]");
            }
        }
        return text.ToString();
    }

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        }
        return true;
    }
}
