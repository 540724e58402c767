using System.Collections;
using System.Text;
using System.Text.Json;

namespace Runsharp.Spec;

/// <summary>Writes one member of <paramref name="value"/> under <paramref name="name"/>, or nothing when it is to be omitted.</summary>
public delegate void JsonWrite<in T>(Utf8JsonWriter writer, JsonEncodedText name, T value);

/// <summary>
/// The JSON form of one model type as a table: one row per member, its name, how to read it into the object and,
/// where the runtime writes the type, how to write it. Rows are in output order (specs-go order, so output matches
/// runc's byte for byte). Built once per type in a static field; reading or writing walks the table, with no
/// reflection and no per-type metadata to build. A shape is declared before the shapes whose rows use it: the
/// compiler's null analysis reads static initializers in order (at run time the order does not matter).
/// </summary>
/// <example><code>
/// static readonly JsonShape&lt;Root&gt; RootShape = new(() => new Root())
/// {
///     { "path", (ref j, r) => r.Path = j.String(), (w, n, r) => w.String(n, r.Path) },
///     { "readonly", (ref j, r) => r.Readonly = j.Bool(), (w, n, r) => w.TrueOnly(n, r.Readonly) },
/// };
/// </code></example>
public sealed class JsonShape<T> : IEnumerable where T : class
{
    private readonly Func<T> _create;
    private readonly List<Member> _members = [];

    private sealed class Member(string name, JsonRead<T>? read, JsonWrite<T>? write)
    {
        public readonly byte[] Utf8Name = Encoding.UTF8.GetBytes(name);
        public readonly JsonRead<T>? Read = read;
        public readonly JsonWrite<T>? Write = write;
        private JsonEncodedText? _name;

        /// <summary>Encoded at the first write: encoding builds the default encoder's tables, which a command that
        /// only reads never needs.</summary>
        public JsonEncodedText Name => _name ??= JsonEncodedText.Encode(Utf8Name);
    }

    public JsonShape(Func<T> create) => _create = create;

    /// <summary>A row; without <paramref name="write"/> the member is read but never written.</summary>
    public void Add(string name, JsonRead<T> read, JsonWrite<T>? write = null) => _members.Add(new Member(name, read, write));

    /// <summary>A row for output only (reading skips the member).</summary>
    public void Add(string name, JsonWrite<T> write) => _members.Add(new Member(name, null, write));

    /// <summary>Reads an object (the reader is on its start); a JSON null or another type is an error.</summary>
    public T Read(ref JsonIn json)
    {
        ref var reader = ref json.Reader;
        if (reader.TokenType != JsonTokenType.StartObject) throw json.Fail("an object");
        T target = _create();
        Span<byte> buffer = stackalloc byte[64];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Find(json.MemberName(buffer));
            reader.Read();
            if (member?.Read is { } read) read(ref json, target);
            else reader.Skip();
        }
        return target;
    }

    /// <summary>A list element or map value: an object, or null kept as null (System.Text.Json's behaviour).</summary>
    public T ReadElement(ref JsonIn json) => json.IsNull ? null! : Read(ref json);

    /// <summary>Go's encoding/json matches member names case-insensitively (model names are ASCII).</summary>
    private Member? Find(ReadOnlySpan<byte> name)
    {
        foreach (var member in _members)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(name, member.Utf8Name)) return member;
        }
        return null;
    }

    /// <summary>Writes the object; rows without a writer are left out.</summary>
    public void Write(Utf8JsonWriter writer, T value)
    {
        writer.WriteStartObject();
        foreach (var member in _members)
        {
            if (member.Write is { } write) write(writer, member.Name, value);
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes an element of a list or a map value (null as null).</summary>
    public void WriteElement(Utf8JsonWriter writer, T? value)
    {
        if (value is null) writer.WriteNullValue();
        else Write(writer, value);
    }

    IEnumerator IEnumerable.GetEnumerator() => _members.GetEnumerator();
}
