using System.Text;

namespace Runsharp.Spec;

/// <summary>One step of a JSON path: a member name or an array index.</summary>
internal readonly record struct PathSegment(string? Name, int Index)
{
    public bool IsIndex => Name is null;
}

/// <summary>
/// Parses the paths System.Text.Json puts in <c>JsonException.Path</c> (<c>$.a.b[2]['c.d']</c>) and
/// formats paths the way users read them (<c>a.b[2]["c.d"]</c>).
/// </summary>
internal static class JsonPathSegments
{
    public static List<PathSegment> Parse(string? path)
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
