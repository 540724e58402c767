using System.Globalization;
using System.Text;
using System.Text.Json;
using Runsharp.Cli.Logging;

namespace Runsharp.Cli.Tests.Logging;

public class LogRecordTests
{
    // Go's time.RFC3339Nano as a pattern: fraction optional, 1-9 digits, zone Z or ±hh:mm.
    internal const string Rfc3339Pattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$";

    private static readonly DateTime Sample = new DateTime(2026, 11, 23, 18, 56, 15, DateTimeKind.Utc).AddTicks(1234567);

    [Fact]
    public void JsonRecordHasExactlyLevelMsgTimeInOrder()
    {
        string line = Encoding.UTF8.GetString(LogRecordFormatter.FormatJson(LogLevel.Error, "container does not exist", Sample));
        Assert.Equal("{\"level\":\"error\",\"msg\":\"container does not exist\",\"time\":\"2026-11-23T18:56:15.1234567Z\"}\n", line);

        using var doc = JsonDocument.Parse(line);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["level", "msg", "time"], names);
        string time = doc.RootElement.GetProperty("time").GetString()!;
        Assert.Matches(Rfc3339Pattern, time);
        Assert.Equal(Sample, DateTime.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
    }

    [Theory]
    [InlineData(LogLevel.Debug, "debug")]
    [InlineData(LogLevel.Info, "info")]
    [InlineData(LogLevel.Warning, "warning")]
    [InlineData(LogLevel.Error, "error")]
    public void LevelsAreLowerCase(LogLevel level, string name)
    {
        using var doc = JsonDocument.Parse(LogRecordFormatter.FormatJson(level, "m", Sample));
        Assert.Equal(name, doc.RootElement.GetProperty("level").GetString());
    }

    [Fact]
    public void MessagesWithQuotesNewlinesAndUnicodeRoundTrip()
    {
        const string message = "exec: \"x\": executable file not found in $PATH\n<tab>\t é 💥";
        using var doc = JsonDocument.Parse(LogRecordFormatter.FormatJson(LogLevel.Error, message, Sample));
        Assert.Equal(message, doc.RootElement.GetProperty("msg").GetString());
    }

    [Fact]
    public void ApostrophesAndNonAsciiAreWrittenAsTheyAre_AsGoWritesThem()
    {
        string line = Encoding.UTF8.GetString(LogRecordFormatter.FormatJson(LogLevel.Error, "unable to write 'cpu.max': café \"q\"", Sample));
        Assert.Contains("\"msg\":\"unable to write 'cpu.max': café \\\"q\\\"\"", line);
    }

    [Theory]
    [InlineData(0, "2026-11-23T18:56:15Z")]
    [InlineData(1_000_000, "2026-11-23T18:56:15.1Z")]
    [InlineData(1, "2026-11-23T18:56:15.0000001Z")]
    [InlineData(1_230_000, "2026-11-23T18:56:15.123Z")]
    public void TimestampTrimsLikeGoRfc3339Nano(long ticks, string expected)
    {
        var t = new DateTime(2026, 11, 23, 18, 56, 15, DateTimeKind.Utc).AddTicks(ticks);
        Assert.Equal(expected, LogRecordFormatter.FormatTimestamp(t));
        Assert.Matches(Rfc3339Pattern, expected);
    }

    [Fact]
    public void LocalTimesAreWrittenInUtc()
    {
        var local = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Local);
        Assert.EndsWith("Z", LogRecordFormatter.FormatTimestamp(local));
    }

    [Fact]
    public void TextRecordLikeLogrus()
    {
        string line = Encoding.UTF8.GetString(LogRecordFormatter.FormatText(LogLevel.Error, "container does not exist", Sample));
        Assert.Equal("time=\"2026-11-23T18:56:15.1234567Z\" level=error msg=\"container does not exist\"\n", line);
    }

    [Fact]
    public void TextRecordLeavesSimpleValuesUnquotedAndEscapesQuotes()
    {
        Assert.Contains(" msg=done\n", Encoding.UTF8.GetString(LogRecordFormatter.FormatText(LogLevel.Info, "done", Sample)));
        Assert.Contains(" msg=\"exec: \\\"x\\\": not found\\n\"",
            Encoding.UTF8.GetString(LogRecordFormatter.FormatText(LogLevel.Error, "exec: \"x\": not found\n", Sample)));
    }

    [Fact]
    public void TerminalRecordLikeLogrus()
    {
        string line = Encoding.UTF8.GetString(LogRecordFormatter.FormatTerminal(LogLevel.Error, "boom", TimeSpan.FromSeconds(3)));
        Assert.Equal("\u001b[31mERRO\u001b[0m[0003] boom\n", line);
    }
}
