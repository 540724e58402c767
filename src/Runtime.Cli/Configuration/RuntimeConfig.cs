namespace Runsharp.Cli.Configuration;

/// <summary>
/// The runtime's own defaults (runtime.config.json). Every member is optional: null means "not in the
/// file", so the built-in default applies. Command-line flags always win over these.
/// </summary>
public sealed record RuntimeConfig
{
    /// <summary>Default --root.</summary>
    public string? Root { get; init; }

    /// <summary>debug | info | warning | error. "debug" is the same as --debug.</summary>
    public string? LogLevel { get; init; }

    /// <summary>text | json; the default for --log-format.</summary>
    public string? LogFormat { get; init; }

    /// <summary>cgroupfs | systemd; --systemd-cgroup forces systemd.</summary>
    public string? CgroupDriver { get; init; }

    /// <summary>Parent for containers whose config has no cgroupsPath.</summary>
    public string? DefaultCgroupParent { get; init; }

    /// <summary>true | false | auto; the default for --rootless.</summary>
    public string? Rootless { get; init; }

    /// <summary>The file this came from, or null when no file was found.</summary>
    public string? SourcePath { get; init; }

    public static RuntimeConfig Empty { get; } = new();
}
