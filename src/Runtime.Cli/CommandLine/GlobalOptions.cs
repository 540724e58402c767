using Runsharp.Cli.Logging;

namespace Runsharp.Cli.CommandLine;

/// <summary>The global flags (before the command name), typed. Built from the parsed global flag set.</summary>
public sealed class GlobalOptions
{
    /// <summary>--root as given (made absolute), or the built-in default when <see cref="RootIsSet"/> is false.</summary>
    public string Root { get; init; } = CommandTable.DefaultRoot;
    public bool RootIsSet { get; init; }

    /// <summary>--log; null means stderr.</summary>
    public string? LogPath { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Text;
    public bool LogFormatIsSet { get; init; }

    public bool Debug { get; init; }
    public bool SystemdCgroup { get; init; }

    /// <summary>--rootless as given: "true", "false" or "auto".</summary>
    public string Rootless { get; init; } = "auto";

    /// <summary>--rootless resolved: null for auto.</summary>
    public bool? RootlessMode { get; init; }
    public bool RootlessIsSet { get; init; }

    /// <summary>Accepted for compatibility only.</summary>
    public string Criu { get; init; } = "criu";

    public static GlobalOptions Default { get; } = new();
}
