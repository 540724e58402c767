using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>The <c>linux</c> section of config.json. Members are in specs-go order so output matches runc byte for byte.</summary>
public sealed class Linux
{
    [JsonPropertyName("uidMappings")]
    public List<LinuxIdMapping>? UidMappings { get; set; }

    [JsonPropertyName("gidMappings")]
    public List<LinuxIdMapping>? GidMappings { get; set; }

    [JsonPropertyName("sysctl")]
    public Dictionary<string, string>? Sysctl { get; set; }

    [JsonPropertyName("resources")]
    public LinuxResources? Resources { get; set; }

    [JsonPropertyName("cgroupsPath")]
    public string? CgroupsPath { get; set; }

    [JsonPropertyName("namespaces")]
    public List<LinuxNamespace>? Namespaces { get; set; }

    [JsonPropertyName("devices")]
    public List<LinuxDevice>? Devices { get; set; }

    /// <summary>Host interface name to the device to create inside the container's network namespace.</summary>
    [JsonPropertyName("netDevices")]
    public Dictionary<string, LinuxNetDevice>? NetDevices { get; set; }

    [JsonPropertyName("seccomp")]
    public LinuxSeccomp? Seccomp { get; set; }

    /// <summary>"private", "shared", "slave" or "unbindable" (rprivate etc. are accepted too, as runc does).</summary>
    [JsonPropertyName("rootfsPropagation")]
    public string? RootfsPropagation { get; set; }

    [JsonPropertyName("maskedPaths")]
    public List<string>? MaskedPaths { get; set; }

    [JsonPropertyName("readonlyPaths")]
    public List<string>? ReadonlyPaths { get; set; }

    [JsonPropertyName("mountLabel")]
    public string? MountLabel { get; set; }

    [JsonPropertyName("intelRdt")]
    public LinuxIntelRdt? IntelRdt { get; set; }

    [JsonPropertyName("memoryPolicy")]
    public LinuxMemoryPolicy? MemoryPolicy { get; set; }

    [JsonPropertyName("personality")]
    public LinuxPersonality? Personality { get; set; }

    /// <summary>Keyed by clock name ("monotonic", "boottime"); needs a time namespace.</summary>
    [JsonPropertyName("timeOffsets")]
    public Dictionary<string, LinuxTimeOffset>? TimeOffsets { get; set; }
}

/// <summary>A contiguous range of ids mapped from the container to the host.</summary>
public sealed class LinuxIdMapping
{
    [JsonPropertyName("containerID")]
    public uint ContainerId { get; set; }

    [JsonPropertyName("hostID")]
    public uint HostId { get; set; }

    [JsonPropertyName("size")]
    public uint Size { get; set; }
}

public sealed class LinuxTimeOffset
{
    [JsonPropertyName("secs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Secs { get; set; }

    [JsonPropertyName("nanosecs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Nanosecs { get; set; }
}

public sealed class LinuxNamespace
{
    /// <summary>One of <see cref="NamespaceTypes"/>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary>When set, the namespace at this path is joined instead of a new one created.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; set; }
}

/// <summary>The namespace type strings of the spec.</summary>
public static class NamespaceTypes
{
    public const string Pid = "pid";
    public const string Network = "network";
    public const string Mount = "mount";
    public const string Ipc = "ipc";
    public const string Uts = "uts";
    public const string User = "user";
    public const string Cgroup = "cgroup";
    public const string Time = "time";

    public static readonly IReadOnlyList<string> All = [Pid, Network, Mount, Ipc, Uts, User, Cgroup, Time];
}

/// <summary>A device node to create in the container's /dev.</summary>
public sealed class LinuxDevice
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    /// <summary>"c", "b", "u" or "p".</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    [JsonPropertyName("major")]
    public long Major { get; set; }

    [JsonPropertyName("minor")]
    public long Minor { get; set; }

    /// <summary>Permission bits (Go's os.FileMode, written as a decimal number).</summary>
    [JsonPropertyName("fileMode")]
    public uint? FileMode { get; set; }

    [JsonPropertyName("uid")]
    public uint? Uid { get; set; }

    [JsonPropertyName("gid")]
    public uint? Gid { get; set; }
}

public sealed class LinuxNetDevice
{
    /// <summary>Name inside the container; empty keeps the host name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

public sealed class LinuxIntelRdt
{
    [JsonPropertyName("closID")]
    public string? ClosId { get; set; }

    [JsonPropertyName("schemata")]
    public List<string>? Schemata { get; set; }

    [JsonPropertyName("l3CacheSchema")]
    public string? L3CacheSchema { get; set; }

    [JsonPropertyName("memBwSchema")]
    public string? MemBwSchema { get; set; }

    [JsonPropertyName("enableMonitoring")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EnableMonitoring { get; set; }
}

public sealed class LinuxPersonality
{
    /// <summary>"LINUX" or "LINUX32".</summary>
    [JsonPropertyName("domain")]
    public string Domain { get; set; } = "";

    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }
}

/// <summary>set_mempolicy(2) for the container process.</summary>
public sealed class LinuxMemoryPolicy
{
    /// <summary>An MPOL_* mode name, e.g. "MPOL_BIND".</summary>
    [JsonPropertyName("mode")]
    public string Mode { get; set; } = "";

    /// <summary>A node list such as "0-3,7".</summary>
    [JsonPropertyName("nodes")]
    public string? Nodes { get; set; }

    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }
}
