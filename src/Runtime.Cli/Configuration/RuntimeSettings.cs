using Runsharp.Cli.CommandLine;
using Runsharp.Cli.Logging;

namespace Runsharp.Cli.Configuration;

/// <summary>
/// Effective settings for one invocation: command-line flag, else runtime config, else built-in default.
/// The state root is the exception runc makes: when not real root and $XDG_RUNTIME_DIR is set, the
/// default becomes $XDG_RUNTIME_DIR/runsharp, ahead of the config file's root (an explicit --root still wins).
/// </summary>
public sealed record RuntimeSettings
{
    public required string Root { get; init; }
    public required LogSettings Log { get; init; }
    public required string CgroupDriver { get; init; }
    public bool UseSystemdCgroup => CgroupDriver == "systemd";
    public required string DefaultCgroupParent { get; init; }

    /// <summary>null = auto.</summary>
    public bool? Rootless { get; init; }

    public bool Debug => Log.Debug;

    public const string DefaultCgroupDriver = "cgroupfs";
    public const string BuiltInCgroupParent = ""; // runc: the id relative to the runtime's own cgroup

    public static RuntimeSettings Resolve(GlobalOptions globals, RuntimeConfig config)
        => Resolve(globals, config, HostIdentity.Current());

    public static RuntimeSettings Resolve(GlobalOptions globals, RuntimeConfig config, HostIdentity host)
    {
        string root = globals.RootIsSet ? globals.Root
            : host.ShouldUseXdgRuntimeDir ? Path.Combine(host.XdgRuntimeDir!, "runsharp")
            : config.Root ?? CommandTable.DefaultRoot;

        var format = globals.LogFormatIsSet ? globals.LogFormat
            : config.LogFormat == "json" ? LogFormat.Json
            : LogFormat.Text;

        var level = config.LogLevel switch
        {
            "debug" => LogLevel.Debug,
            "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.Info,
        };

        bool? rootless = globals.RootlessIsSet ? globals.RootlessMode
            : config.Rootless is "true" ? true
            : config.Rootless is "false" ? false
            : null;

        return new RuntimeSettings
        {
            Root = root,
            Log = new LogSettings
            {
                Path = globals.LogPath,
                Format = format,
                Debug = globals.Debug || level == LogLevel.Debug,
                StderrLevel = level,
            },
            CgroupDriver = globals.SystemdCgroup ? "systemd" : config.CgroupDriver ?? DefaultCgroupDriver,
            DefaultCgroupParent = config.DefaultCgroupParent ?? BuiltInCgroupParent,
            Rootless = rootless,
        };
    }
}
