using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Runsharp.Cli.Logging;

/// <summary>
/// Renders one log record as logrus does. Callers depend on the JSON shape: containerd's shim decodes
/// every line and parses "time" as RFC 3339; podman unmarshals the whole file as one object.
/// </summary>
public static class LogRecordFormatter
{
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warning => "warning",
        _ => "error",
    };

    /// <summary>Go's RFC3339Nano in UTC: fraction trimmed of trailing zeros, omitted when zero.</summary>
    public static string FormatTimestamp(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime();
        var sb = new StringBuilder(30);
        sb.Append(utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        long nanos = (utc.Ticks % TimeSpan.TicksPerSecond) * 100;
        if (nanos != 0)
        {
            string fraction = nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
            sb.Append('.').Append(fraction);
        }
        sb.Append('Z');
        return sb.ToString();
    }

    /// <summary><c>{"level":"error","msg":"...","time":"..."}</c> plus a newline; keys in this order.</summary>
    public static byte[] FormatJson(LogLevel level, string message, DateTime time)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + message.Length);
        // As Go writes it: quotes, non-ASCII and the like as they are (the default encoder makes ' into \u0027).
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("level", LevelName(level));
            writer.WriteString("msg", message);
            writer.WriteString("time", FormatTimestamp(time));
            writer.WriteEndObject();
        }
        var bytes = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(bytes);
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>logrus' text formatter without a terminal: <c>time="..." level=error msg="..."</c>.</summary>
    public static byte[] FormatText(LogLevel level, string message, DateTime time)
    {
        var line = $"time={QuoteIfNeeded(FormatTimestamp(time))} level={LevelName(level)} msg={QuoteIfNeeded(message)}\n";
        return Encoding.UTF8.GetBytes(line);
    }

    /// <summary>logrus' text formatter on a terminal: <c>ERRO[0000] message</c>, level coloured.</summary>
    public static byte[] FormatTerminal(LogLevel level, string message, TimeSpan sinceStart)
    {
        var (tag, color) = level switch
        {
            LogLevel.Debug => ("DEBU", 37),
            LogLevel.Info => ("INFO", 36),
            LogLevel.Warning => ("WARN", 33),
            _ => ("ERRO", 31),
        };
        int seconds = (int)Math.Clamp(sinceStart.TotalSeconds, 0, 9999);
        var line = $"\u001b[{color}m{tag}\u001b[0m[{seconds:D4}] {message.TrimEnd('\n')}\n";
        return Encoding.UTF8.GetBytes(line);
    }

    /// <summary>logrus quotes a value unless every character is a letter, digit or one of <c>-._/@^+</c>.</summary>
    private static string QuoteIfNeeded(string value)
    {
        if (value.Length == 0) return "\"\"";
        foreach (char c in value)
        {
            bool plain = char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '/' or '@' or '^' or '+';
            if (!plain) return CommandLine.GoStrings.Quote(value);
        }
        return value;
    }
}
