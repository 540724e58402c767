using System.Text.Json.Serialization;

namespace Runsharp.Cli.Configuration;

/// <summary>
/// The runtime's own defaults (runtime.config.json). Every member is optional: null means "not in the
/// file", so the built-in default applies. Command-line flags always win over these.
/// </summary>
public sealed record RuntimeConfig
{
    /// <summary>Default --root.</summary>
    [JsonPropertyName("root")]
    public string? Root { get; init; }

    /// <summary>debug | info | warning | error. "debug" is the same as --debug.</summary>
    [JsonPropertyName("logLevel")]
    public string? LogLevel { get; init; }

    /// <summary>text | json; the default for --log-format.</summary>
    [JsonPropertyName("logFormat")]
    public string? LogFormat { get; init; }

    /// <summary>cgroupfs | systemd; --systemd-cgroup forces systemd.</summary>
    [JsonPropertyName("cgroupDriver")]
    public string? CgroupDriver { get; init; }

    /// <summary>Parent for containers whose config has no cgroupsPath.</summary>
    [JsonPropertyName("defaultCgroupParent")]
    public string? DefaultCgroupParent { get; init; }

    /// <summary>true | false | auto; the default for --rootless.</summary>
    [JsonPropertyName("rootless")]
    public string? Rootless { get; init; }

    /// <summary>The file this came from, or null when no file was found.</summary>
    [JsonIgnore]
    public string? SourcePath { get; init; }

    public static RuntimeConfig Empty { get; } = new();
}

[JsonSourceGenerationOptions(AllowTrailingCommas = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(RuntimeConfig))]
internal sealed partial class RuntimeConfigJsonContext : JsonSerializerContext;
