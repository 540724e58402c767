using System.Text;
using System.Text.Json;
using Runsharp.Cli.Logging;

namespace Runsharp.Cli.Tests.Logging;

public class RuntimeLogTests
{
    private sealed class Capture(bool terminal = false) : ILogSink
    {
        private readonly MemoryStream _bytes = new();
        public bool IsTerminal { get; } = terminal;
        public void Write(ReadOnlySpan<byte> line) => _bytes.Write(line);
        public string Text => Encoding.UTF8.GetString(_bytes.ToArray());
        public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public void Dispose() { }
    }

    private static (RuntimeLog Log, Capture File, Capture Stderr) WithFile(LogFormat format = LogFormat.Json, bool debug = false)
    {
        var file = new Capture();
        var stderr = new Capture();
        var log = new RuntimeLog(new LogSettings { Path = "/x/log.json", Format = format, Debug = debug }, file, stderr);
        return (log, file, stderr);
    }

    [Fact]
    public void FailWritesExactlyOneErrorRecordToTheLogFileAndThePlainMessageToStderr()
    {
        var (log, file, stderr) = WithFile();
        log.Debug("phase: loading spec");
        log.Info("info line");
        log.Warning("warning line");
        int code = ErrorReporter.Fail(log, "container does not exist");

        Assert.Equal(1, code);
        Assert.Single(file.Lines);
        // podman unmarshals the whole file as one object: it must be exactly one JSON object.
        using var doc = JsonDocument.Parse(file.Text);
        Assert.Equal("error", doc.RootElement.GetProperty("level").GetString());
        Assert.Equal("container does not exist", doc.RootElement.GetProperty("msg").GetString());
        Assert.Matches(LogRecordTests.Rfc3339Pattern, doc.RootElement.GetProperty("time").GetString()!);
        // The warning is not lost: it goes to stderr as text, before the plain error message.
        Assert.Equal(2, stderr.Lines.Length);
        Assert.Matches("^time=\"[^\"]+\" level=warning msg=\"warning line\"$", stderr.Lines[0]);
        Assert.Equal("container does not exist", stderr.Lines[1]);
    }

    [Fact]
    public void DebugAddsBreadcrumbsToTheLogFile()
    {
        var (log, file, _) = WithFile(debug: true);
        log.Debug("phase: loading spec");
        log.Warning("careful");
        ErrorReporter.Fail(log, "boom");

        var levels = file.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("level").GetString()!).ToArray();
        Assert.Equal(["debug", "warning", "error"], levels);
        Assert.True(log.IsDebugEnabled);
    }

    [Fact]
    public void WithoutLogFileTheRecordGoesToStderrOnlyOnce()
    {
        var stderr = new Capture();
        var log = new RuntimeLog(new LogSettings(), null, stderr);
        log.Debug("hidden");
        ErrorReporter.Fail(log, "container not running", 255);

        var lines = stderr.Lines;
        Assert.Single(lines);
        Assert.Matches("^time=\"[^\"]+\" level=error msg=\"container not running\"$", lines[0]);
    }

    [Fact]
    public void StderrOnTerminalUsesShortForm()
    {
        var stderr = new Capture(terminal: true);
        ErrorReporter.Fail(new RuntimeLog(new LogSettings(), null, stderr), "boom");
        Assert.Matches("^\u001b\\[31mERRO\u001b\\[0m\\[\\d{4}\\] boom\n$", stderr.Text);
    }

    [Fact]
    public void StderrLevelFiltersInfoAndWarningsWithoutLogFile()
    {
        var stderr = new Capture();
        var log = new RuntimeLog(new LogSettings { StderrLevel = LogLevel.Warning }, null, stderr);
        log.Info("quiet");
        log.Warning("loud");
        Assert.Single(stderr.Lines);
        Assert.Contains("level=warning msg=loud", stderr.Text);
    }

    [Fact]
    public void JsonToStderrWhenNoLogFile()
    {
        var stderr = new Capture();
        ErrorReporter.Fail(new RuntimeLog(new LogSettings { Format = LogFormat.Json }, null, stderr), "boom");
        using var doc = JsonDocument.Parse(stderr.Text);
        Assert.Equal("boom", doc.RootElement.GetProperty("msg").GetString());
    }

    [Fact]
    public void TextFormatInLogFile()
    {
        var (log, file, _) = WithFile(LogFormat.Text);
        ErrorReporter.Fail(log, "boom");
        Assert.Matches("^time=\"[^\"]+\" level=error msg=boom\n$", file.Text);
    }

    [Fact]
    public void FailWithExceptionUsesItsMessageChain()
    {
        var (log, file, _) = WithFile();
        RuntimeLog.Use(log);
        try
        {
            int code = ErrorReporter.Fail(new InvalidOperationException("unable to start container process", new FileNotFoundException("x", "/bin/sh")), 255);
            Assert.Equal(255, code);
        }
        finally
        {
            RuntimeLog.Use(new RuntimeLog(new LogSettings(), null, FileDescriptorSink.StandardError));
        }
        using var doc = JsonDocument.Parse(file.Text);
        Assert.Equal("unable to start container process: open /bin/sh: no such file or directory", doc.RootElement.GetProperty("msg").GetString());
    }
}
