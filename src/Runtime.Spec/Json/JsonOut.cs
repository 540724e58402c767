using System.Text.Encodings.Web;
using System.Text.Json;

namespace Runsharp.Spec;

/// <summary>
/// The member writers of <see cref="JsonShape{T}"/> rows. Null is never written (Go's omitempty on pointers, what
/// the model's contexts did with WhenWritingNull); the *NonZero/TrueOnly forms also leave out a default value
/// (Go's omitempty on plain values).
/// </summary>
public static class JsonOut
{
    /// <summary>Writer options for the output styles runc uses: Go writes non-ASCII as is, so the relaxed encoder.</summary>
    public static JsonWriterOptions Style(bool indented, char indentCharacter = ' ', int indentSize = 2) => new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = indented,
        IndentCharacter = indentCharacter,
        IndentSize = indentSize,
    };

    /// <summary>Writes <paramref name="value"/> with <paramref name="shape"/> to UTF-8 bytes.</summary>
    public static byte[] ToUtf8<T>(JsonShape<T> shape, T value, JsonWriterOptions options = default) where T : class
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, options)) shape.Write(writer, value);
        return buffer.WrittenSpan.ToArray();
    }

    public static string ToText<T>(JsonShape<T> shape, T value, JsonWriterOptions options = default) where T : class =>
        System.Text.Encoding.UTF8.GetString(ToUtf8(shape, value, options));

    public static void String(this Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    public static void Number(this Utf8JsonWriter w, JsonEncodedText name, long value) => w.WriteNumber(name, value);

    public static void Number(this Utf8JsonWriter w, JsonEncodedText name, ulong value) => w.WriteNumber(name, value);

    public static void Number(this Utf8JsonWriter w, JsonEncodedText name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    public static void Number(this Utf8JsonWriter w, JsonEncodedText name, ulong? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    public static void NonZero(this Utf8JsonWriter w, JsonEncodedText name, long value)
    {
        if (value != 0) w.WriteNumber(name, value);
    }

    public static void NonZero(this Utf8JsonWriter w, JsonEncodedText name, ulong value)
    {
        if (value != 0) w.WriteNumber(name, value);
    }

    public static void Bool(this Utf8JsonWriter w, JsonEncodedText name, bool value) => w.WriteBoolean(name, value);

    public static void Bool(this Utf8JsonWriter w, JsonEncodedText name, bool? value)
    {
        if (value is { } v) w.WriteBoolean(name, v);
    }

    public static void TrueOnly(this Utf8JsonWriter w, JsonEncodedText name, bool value)
    {
        if (value) w.WriteBoolean(name, true);
    }

    public static void Object<T>(this Utf8JsonWriter w, JsonEncodedText name, T? value, JsonShape<T> shape) where T : class
    {
        if (value is null) return;
        w.WritePropertyName(name);
        shape.Write(w, value);
    }

    public static void List<T>(this Utf8JsonWriter w, JsonEncodedText name, List<T>? list, JsonShape<T> shape) where T : class
    {
        if (list is null) return;
        w.WriteStartArray(name);
        foreach (var item in list) shape.WriteElement(w, item);
        w.WriteEndArray();
    }

    public static void Strings(this Utf8JsonWriter w, JsonEncodedText name, List<string>? list)
    {
        if (list is null) return;
        w.WriteStartArray(name);
        foreach (var item in list)
        {
            if (item is null) w.WriteNullValue();
            else w.WriteStringValue(item);
        }
        w.WriteEndArray();
    }

    public static void Map(this Utf8JsonWriter w, JsonEncodedText name, Dictionary<string, string>? map)
    {
        if (map is null) return;
        w.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            if (value is null) w.WriteNull(key);
            else w.WriteString(key, value);
        }
        w.WriteEndObject();
    }

    public static void Map<T>(this Utf8JsonWriter w, JsonEncodedText name, Dictionary<string, T>? map, JsonShape<T> shape) where T : class
    {
        if (map is null) return;
        w.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            w.WritePropertyName(key);
            shape.WriteElement(w, value);
        }
        w.WriteEndObject();
    }

    /// <summary>A list of numbers (left out when null).</summary>
    public static void Numbers(this Utf8JsonWriter w, JsonEncodedText name, List<ulong>? list)
    {
        if (list is null) return;
        w.WriteStartArray(name);
        foreach (ulong item in list) w.WriteNumberValue(item);
        w.WriteEndArray();
    }

    public static void Numbers(this Utf8JsonWriter w, JsonEncodedText name, List<uint>? list)
    {
        if (list is null) return;
        w.WriteStartArray(name);
        foreach (uint item in list) w.WriteNumberValue(item);
        w.WriteEndArray();
    }

    public static void Numbers(this Utf8JsonWriter w, JsonEncodedText name, List<ushort>? list)
    {
        if (list is null) return;
        w.WriteStartArray(name);
        foreach (ushort item in list) w.WriteNumberValue(item);
        w.WriteEndArray();
    }

    /// <summary>A map of numbers, in the dictionary's order (left out when null).</summary>
    public static void Map(this Utf8JsonWriter w, JsonEncodedText name, Dictionary<string, int>? map)
    {
        if (map is null) return;
        w.WriteStartObject(name);
        foreach (var (key, value) in map) w.WriteNumber(key, value);
        w.WriteEndObject();
    }

    /// <summary>A map of numbers, in the dictionary's order (left out when null).</summary>
    public static void Map(this Utf8JsonWriter w, JsonEncodedText name, Dictionary<string, ulong>? map)
    {
        if (map is null) return;
        w.WriteStartObject(name);
        foreach (var (key, value) in map) w.WriteNumber(key, value);
        w.WriteEndObject();
    }

    /// <summary>Writes a list of objects as a top-level array (null elements as null).</summary>
    public static void Array<T>(Utf8JsonWriter w, IEnumerable<T> list, JsonShape<T> shape) where T : class
    {
        w.WriteStartArray();
        foreach (var item in list) shape.WriteElement(w, item);
        w.WriteEndArray();
    }
}
