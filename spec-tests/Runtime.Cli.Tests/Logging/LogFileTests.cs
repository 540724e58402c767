using System.Text.Json;
using Runsharp.Cli.Logging;

namespace Runsharp.Cli.Tests.Logging;

public class LogFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("runsharp-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void OpensWith0644AndAppends()
    {
        string path = Path.Combine(_dir, "log.json");
        File.WriteAllText(path, "{\"level\":\"info\",\"msg\":\"earlier\",\"time\":\"2026-01-01T00:00:00Z\"}\n");

        using (var sink = FileDescriptorSink.OpenAppend(path))
        {
            var log = new RuntimeLog(new LogSettings { Path = path, Format = LogFormat.Json }, sink, new NullSink());
            ErrorReporter.Fail(log, "first");
        }
        using (var sink = FileDescriptorSink.OpenAppend(path))
        {
            var log = new RuntimeLog(new LogSettings { Path = path, Format = LogFormat.Json }, sink, new NullSink());
            ErrorReporter.Fail(log, "second");
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal("first", JsonDocument.Parse(lines[1]).RootElement.GetProperty("msg").GetString());
        Assert.Equal("second", JsonDocument.Parse(lines[2]).RootElement.GetProperty("msg").GetString());
    }

    [Fact]
    public void NewFileModeIsAtMost0644()
    {
        string path = Path.Combine(_dir, "new.json");
        using (FileDescriptorSink.OpenAppend(path)) { }
        var mode = File.GetUnixFileMode(path);
        Assert.Equal(UnixFileMode.None, mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        Assert.True(mode.HasFlag(UnixFileMode.UserWrite));
    }

    [Fact]
    public void OpenFailureIsWordedLikeGo()
    {
        string path = Path.Combine(_dir, "missing", "log.json");
        var e = Assert.Throws<IOException>(() => FileDescriptorSink.OpenAppend(path));
        Assert.Equal($"open {path}: no such file or directory", e.Message);
    }

    private sealed class NullSink : ILogSink
    {
        public bool IsTerminal => false;
        public void Write(ReadOnlySpan<byte> line) { }
        public void Dispose() { }
    }
}
