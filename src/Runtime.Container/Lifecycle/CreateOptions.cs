namespace Runsharp.Container.Lifecycle;

/// <summary>What `create` (and `run`) were asked for on the command line.</summary>
public sealed class CreateOptions
{
    public required string Id { get; init; }
    public required string Bundle { get; init; }
    public string? PidFile { get; init; }
    public string? ConsoleSocket { get; init; }
    public bool NoPivot { get; init; }
    public bool NoNewKeyring { get; init; }
    public int PreserveFds { get; init; }
    public bool SystemdCgroup { get; init; }
    /// <summary>Parent of the default cgroup "&lt;parent&gt;/&lt;id&gt;" (runtime.config.json).</summary>
    public string DefaultCgroupParent { get; init; } = "/";
    /// <summary>run --detach without a console socket may not have a terminal (as runc).</summary>
    public bool Detached { get; init; } = true;
    /// <summary>--rootless: true, false, or null for auto (rootless when not running as root).</summary>
    public bool? Rootless { get; init; }
}
