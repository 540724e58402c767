using System.Text.Json;

namespace Runsharp.Spec;

/// <summary>
/// The syntax check that runs before a document is read into the model, and the wording of syntax errors. We never
/// reuse System.Text.Json's exception text: its wording is .NET's, not ours.
/// </summary>
public static class JsonSyntax
{
    /// <summary>
    /// Checks syntax with a plain reader so that a later read failure is known to be about shape or type, not
    /// syntax. Throws <see cref="SpecException"/> naming line and column.
    /// </summary>
    public static void Check(ReadOnlySpan<byte> json, string source)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonIn.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String || reader.TokenType == JsonTokenType.PropertyName)
                {
                    // Reading transcodes strings; find bad UTF-8 here, with a position (escapes are ASCII, so the
                    // raw bytes of an escaped string are checked the same way).
                    if (System.Text.Unicode.Utf8.IsValid(reader.ValueSpan) is false)
                    {
                        throw new SpecException(
                            $"{source}: invalid JSON at {Position(json, reader.TokenStartIndex)}: invalid UTF-8 in a string");
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            throw new SpecException($"{source}: invalid JSON at {Describe(ex, json)}", null, ex);
        }
    }

    /// <summary>"line L, column C: unexpected character 'x'" for a reader's syntax error in <paramref name="json"/>.</summary>
    public static string Describe(JsonException ex, ReadOnlySpan<byte> json) =>
        $"line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: {Problem(ex, json)}";

    /// <summary>What is wrong where a reader's syntax error points: "unexpected character 'x'", "unexpected end of input".</summary>
    public static string Problem(JsonException ex, ReadOnlySpan<byte> json) =>
        DescribeBadByte(json, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);

    /// <summary>The 1-based line of the byte at <paramref name="offset"/>.</summary>
    public static long LineOf(ReadOnlySpan<byte> json, long offset) =>
        json[..(int)Math.Min(offset, json.Length)].Count((byte)'\n') + 1;

    private static string Position(ReadOnlySpan<byte> json, long offset)
    {
        long lineStart = json[..(int)Math.Min(offset, json.Length)].LastIndexOf((byte)'\n') + 1;
        return $"line {LineOf(json, offset)}, column {offset - lineStart + 1}";
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
}
