using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Runsharp.Spec;

/// <summary>Reads one member's value from <paramref name="json"/> into <paramref name="target"/> (a <see cref="JsonShape{T}"/> row).</summary>
public delegate void JsonRead<in T>(ref JsonIn json, T target);

/// <summary>Reads one value (a list element, a map value).</summary>
public delegate T JsonValue<out T>(ref JsonIn json);

/// <summary>
/// A Utf8JsonReader over a whole document, with the typed reads the model needs. It replaces the source-generated
/// serializer, which built metadata for every type on first use (custom-attribute reflection, a third of a
/// short-lived runtime process) and, even unused, weighed a megabyte of binary that NativeAOT start-up touches.
/// The model's [JsonPropertyName]/[JsonIgnore] attributes remain only for the tests' oracle contexts.
/// </summary>
/// <remarks>
/// Each read expects the reader on the value's first token and leaves it on the value's last token. A value of the
/// wrong type is a <see cref="SpecException"/> naming the JSON path the way users write it
/// (<c>process.user.uid: expected a number, got a string</c>); the path is found only then, by reading the document
/// again up to the offending token, so the happy path keeps no path bookkeeping.
/// Semantics follow what the model promised under System.Text.Json: member names match case-insensitively
/// (as Go's encoding/json), unknown members are skipped, the last of duplicate members wins, a JSON null is
/// refused where the model has a non-nullable value or reference, and kept in lists and maps.
/// </remarks>
public ref struct JsonIn
{
    /// <summary>Deeper than anything real, shallow enough that no reader recursion is a risk (the syntax check uses the same).</summary>
    public const int MaxDepth = 256;

    private Utf8JsonReader _reader;
    private readonly ReadOnlySpan<byte> _json;
    private readonly string _source;

    /// <summary>Positions the reader on the document's first token. <paramref name="source"/> labels whole-document errors.</summary>
    public JsonIn(ReadOnlySpan<byte> json, string source)
    {
        _json = json;
        _source = source;
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        _reader.Read();
    }

    public readonly bool IsNull => _reader.TokenType == JsonTokenType.Null;

    /// <summary>The raw reader, for the object and collection loops of <see cref="JsonShape{T}"/>.</summary>
    [UnscopedRef] internal ref Utf8JsonReader Reader => ref _reader;

    // ------------------------------------------------------------------ scalars

    public string String() => _reader.TokenType == JsonTokenType.String ? Text() : throw Fail("a string");

    public string? StringOrNull() => IsNull ? null : String();

    public bool Bool() => _reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Fail("true or false"),
    };

    public bool? BoolOrNull() => IsNull ? null : Bool();

    public int Int32() => IsNumber() && _reader.TryGetInt32(out int v) ? v : throw NotAnInteger<int>();
    public int? Int32OrNull() => IsNull ? null : Int32();
    public uint UInt32() => IsNumber() && _reader.TryGetUInt32(out uint v) ? v : throw NotAnInteger<uint>();
    public uint? UInt32OrNull() => IsNull ? null : UInt32();
    public long Int64() => IsNumber() && _reader.TryGetInt64(out long v) ? v : throw NotAnInteger<long>();
    public long? Int64OrNull() => IsNull ? null : Int64();
    public ulong UInt64() => IsNumber() && _reader.TryGetUInt64(out ulong v) ? v : throw NotAnInteger<ulong>();
    public ulong? UInt64OrNull() => IsNull ? null : UInt64();
    public ushort UInt16() => IsNumber() && _reader.TryGetUInt16(out ushort v) ? v : throw NotAnInteger<ushort>();
    public ushort? UInt16OrNull() => IsNull ? null : UInt16();

    /// <summary>True on a number; the error otherwise (TryGet* would throw on another token).</summary>
    private readonly bool IsNumber() => _reader.TokenType == JsonTokenType.Number ? true : throw Fail("a number");

    /// <summary>The error for a number that is a fraction or out of <typeparamref name="T"/>'s range.</summary>
    private readonly SpecException NotAnInteger<T>() where T : IMinMaxValue<T>, IFormattable
    {
        string raw = System.Text.Encoding.UTF8.GetString(_reader.ValueSpan);
        return raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0
            ? Error($"{raw} is out of range ({Invariant(T.MinValue)} to {Invariant(T.MaxValue)})")
            : Error($"expected an integer, got {raw}");
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>The current string or member name, unescaped. A \u escape of half a surrogate pair has no UTF-8 form.</summary>
    private readonly string Text()
    {
        try { return _reader.GetString()!; }
        catch (InvalidOperationException) { throw Error("invalid string: a \\u escape names half of a UTF-16 surrogate pair"); }
    }

    // ------------------------------------------------------------------ collections

    /// <summary>A list of strings; a null element stays null, as System.Text.Json left it.</summary>
    public List<string>? StringListOrNull() => IsNull ? null : StringList();

    public List<string> StringList() => List(static (ref j) => j.StringOrNull()!);

    public List<uint>? UInt32ListOrNull() => ListOrNull(static (ref j) => j.UInt32());

    public Dictionary<string, string>? StringMapOrNull() => MapOrNull(static (ref j) => j.StringOrNull()!);

    public T Object<T>(JsonShape<T> shape) where T : class => shape.Read(ref this);

    /// <summary>An object, or null for a JSON null.</summary>
    public T? ObjectOrNull<T>(JsonShape<T> shape) where T : class => IsNull ? null : shape.Read(ref this);

    /// <summary>A list of objects; a null element stays null, as System.Text.Json left it.</summary>
    public List<T>? ListOrNull<T>(JsonShape<T> shape) where T : class => ListOrNull(shape.ReadElement);

    public List<T>? ListOrNull<T>(JsonValue<T> element) => IsNull ? null : List(element);

    public List<T> List<T>(JsonValue<T> element)
    {
        if (_reader.TokenType != JsonTokenType.StartArray) throw Fail("an array");
        var list = new List<T>();
        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray) list.Add(element(ref this));
        return list;
    }

    public Dictionary<string, T>? MapOrNull<T>(JsonShape<T> shape) where T : class => MapOrNull(shape.ReadElement);

    /// <summary>A map keyed by exact member names; the last of duplicate keys wins.</summary>
    public Dictionary<string, T>? MapOrNull<T>(JsonValue<T> value)
    {
        if (IsNull) return null;
        if (_reader.TokenType != JsonTokenType.StartObject) throw Fail("an object");
        var map = new Dictionary<string, T>();
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = Text();
            _reader.Read();
            map[key] = value(ref this);
        }
        return map;
    }

    /// <summary>The current member name, unescaped (into <paramref name="buffer"/> when it has escapes).</summary>
    internal readonly ReadOnlySpan<byte> MemberName(Span<byte> buffer)
    {
        if (!_reader.ValueIsEscaped) return _reader.ValueSpan;
        if (_reader.ValueSpan.Length > buffer.Length) buffer = new byte[_reader.ValueSpan.Length];
        try { return buffer[.._reader.CopyString(buffer)]; }
        catch (InvalidOperationException) { throw Error("invalid member name: a \\u escape names half of a UTF-16 surrogate pair"); }
    }

    // ------------------------------------------------------------------ errors

    /// <summary>"<c>path: expected X, got Y</c>" for the current token.</summary>
    public readonly SpecException Fail(string expected) => Error($"expected {expected}, got {Kind(_reader.TokenType)}");

    /// <summary>An error about the current token, prefixed with its path (or the source for the document itself).</summary>
    public readonly SpecException Error(string problem)
    {
        var segments = JsonPathSegments.Locate(_json, _reader.TokenStartIndex);
        if (segments.Count == 0) return new SpecException($"{_source}: {problem}");
        string where = JsonPathSegments.Format(segments);
        return new SpecException($"{where}: {problem}", where);
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => "nothing",
    };
}
