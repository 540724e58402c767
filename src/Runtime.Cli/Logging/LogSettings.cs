namespace Runsharp.Cli.Logging;

/// <summary>How to set up the log: the merged result of the global flags and the runtime config.</summary>
public sealed record LogSettings
{
    /// <summary>--log FILE; null means stderr.</summary>
    public string? Path { get; init; }

    public LogFormat Format { get; init; } = LogFormat.Text;

    /// <summary>--debug: debug records are written, and info/warning records reach a --log file.</summary>
    public bool Debug { get; init; }

    /// <summary>Lowest level shown on stderr when there is no --log file (config "logLevel").</summary>
    public LogLevel StderrLevel { get; init; } = LogLevel.Info;
}
