namespace Runsharp.Cli.Logging;

/// <summary>
/// The runtime's log, shaped by runc's contract (see shared anchors 8):
/// <list type="bullet">
/// <item>a --log file holds only the one final error record unless --debug is given, because podman
/// unmarshals the whole file as a single JSON object; without --debug, info records go nowhere and
/// warnings go to stderr as text when a --log file is set;</item>
/// <item>without --log, records go to stderr, filtered by <see cref="LogSettings.StderrLevel"/>;</item>
/// <item>debug records appear only with --debug.</item>
/// </list>
/// Single-threaded by design: every write is a synchronous write(2), nothing is buffered or deferred.
/// Error records are written only by <see cref="ErrorReporter"/>.
/// </summary>
public sealed class RuntimeLog : IDisposable
{
    private readonly ILogSink? _file;
    private readonly ILogSink _stderr;
    private readonly LogSettings _settings;
    private readonly Func<DateTime> _clock;
    private readonly DateTime _started;

    public RuntimeLog(LogSettings settings, ILogSink? file, ILogSink stderr, Func<DateTime>? clock = null)
    {
        _settings = settings;
        _file = file;
        _stderr = stderr;
        _clock = clock ?? (() => DateTime.UtcNow);
        _started = _clock();
    }

    /// <summary>The log used by <see cref="ErrorReporter"/>; stderr/text until <see cref="Configure"/> runs.</summary>
    public static RuntimeLog Current { get; private set; } = new(new LogSettings(), null, FileDescriptorSink.StandardError);

    /// <summary>Opens the log described by settings and makes it <see cref="Current"/>.</summary>
    /// <exception cref="IOException">The --log file cannot be opened ("open PATH: permission denied").</exception>
    public static RuntimeLog Configure(LogSettings settings)
    {
        ILogSink? file = settings.Path is null ? null : FileDescriptorSink.OpenAppend(settings.Path);
        var log = new RuntimeLog(settings, file, FileDescriptorSink.StandardError);
        Current = log;
        return log;
    }

    /// <summary>Replaces <see cref="Current"/> (tests, or a caller with its own sinks).</summary>
    public static void Use(RuntimeLog log) => Current = log;

    public bool IsDebugEnabled => _settings.Debug;

    /// <summary>True when records go to a --log file rather than stderr.</summary>
    public bool HasLogFile => _file is not null;

    public LogSettings Settings => _settings;

    /// <summary>A phase breadcrumb; written only with --debug.</summary>
    public void Debug(string message)
    {
        if (_settings.Debug) WriteRecord(LogLevel.Debug, message);
    }

    public void Info(string message) => WriteNonError(LogLevel.Info, message);

    public void Warning(string message) => WriteNonError(LogLevel.Warning, message);

    private void WriteNonError(LogLevel level, string message)
    {
        if (_settings.Debug || (_file is null && level >= _settings.StderrLevel))
            WriteRecord(level, message);
        else if (_file is not null && level >= LogLevel.Warning && level >= _settings.StderrLevel)
            // The --log file must stay one error record (podman), yet the spec says some things MUST be logged
            // as warnings (e.g. unknown capabilities): they go to stderr as text, which callers ignore on success.
            _stderr.Write(LogRecordFormatter.FormatText(level, message, _clock()));
    }

    /// <summary>The final error record: to the --log file (and the plain message to stderr), or to stderr.</summary>
    internal void WriteError(string message)
    {
        WriteRecord(LogLevel.Error, message);
        if (_file is not null)
            _stderr.Write(System.Text.Encoding.UTF8.GetBytes(message + "\n")); // runc: fmt.Fprintln(os.Stderr, err)
    }

    private void WriteRecord(LogLevel level, string message)
    {
        var now = _clock();
        var sink = _file ?? _stderr;
        byte[] line;
        if (_settings.Format == LogFormat.Json)
            line = LogRecordFormatter.FormatJson(level, message, now);
        else if (sink.IsTerminal)
            line = LogRecordFormatter.FormatTerminal(level, message, now - _started);
        else
            line = LogRecordFormatter.FormatText(level, message, now);
        sink.Write(line);
    }

    public void Dispose() => _file?.Dispose();
}
