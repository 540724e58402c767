namespace Runsharp.Cli.Logging;

/// <summary>--log-format: logrus' text formatter or its JSON formatter.</summary>
public enum LogFormat
{
    Text,
    Json,
}

/// <summary>logrus levels we emit, lowest first; written lower-case ("warning", not "warn").</summary>
public enum LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}
