namespace Runsharp.Cli.Configuration;

/// <summary>A runtime config file exists but cannot be used. The message names the file and the JSON path.</summary>
public sealed class RuntimeConfigException(string message, Exception? inner = null) : Exception(message, inner);
