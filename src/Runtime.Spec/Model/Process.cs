using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>
/// The container process (<c>process</c> in config.json). Also the whole content of the file that
/// <c>exec --process</c> takes.
/// </summary>
public sealed class Process
{
    [JsonPropertyName("terminal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Terminal { get; set; }

    [JsonPropertyName("consoleSize")]
    public Box? ConsoleSize { get; set; }

    private User _user = new();

    /// <summary>Required by the spec on Linux: the validator refuses a process whose JSON has no "user"
    /// (runc would run it as uid 0, Go's zero value; we name the missing field instead).</summary>
    [JsonPropertyName("user")]
    public User User
    {
        get => _user;
        set { _user = value; UserGiven = true; }
    }

    /// <summary>Whether "user" was set (by the JSON or by code), as opposed to left at its default.</summary>
    [JsonIgnore]
    public bool UserGiven { get; private set; }

    [JsonPropertyName("args")]
    public List<string>? Args { get; set; }

    /// <summary>Windows only; kept so it round-trips.</summary>
    [JsonPropertyName("commandLine")]
    public string? CommandLine { get; set; }

    [JsonPropertyName("env")]
    public List<string>? Env { get; set; }

    [JsonPropertyName("cwd")]
    public string Cwd { get; set; } = "";

    [JsonPropertyName("capabilities")]
    public LinuxCapabilities? Capabilities { get; set; }

    [JsonPropertyName("rlimits")]
    public List<PosixRlimit>? Rlimits { get; set; }

    [JsonPropertyName("noNewPrivileges")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool NoNewPrivileges { get; set; }

    [JsonPropertyName("apparmorProfile")]
    public string? ApparmorProfile { get; set; }

    [JsonPropertyName("oomScoreAdj")]
    public int? OomScoreAdj { get; set; }

    [JsonPropertyName("scheduler")]
    public Scheduler? Scheduler { get; set; }

    [JsonPropertyName("selinuxLabel")]
    public string? SelinuxLabel { get; set; }

    [JsonPropertyName("ioPriority")]
    public LinuxIoPriority? IoPriority { get; set; }

    [JsonPropertyName("execCPUAffinity")]
    public CpuAffinity? ExecCPUAffinity { get; set; }
}

/// <summary>Terminal size in characters.</summary>
public sealed class Box
{
    [JsonPropertyName("height")]
    public uint Height { get; set; }

    [JsonPropertyName("width")]
    public uint Width { get; set; }
}

public sealed class User
{
    [JsonPropertyName("uid")]
    public uint Uid { get; set; }

    [JsonPropertyName("gid")]
    public uint Gid { get; set; }

    [JsonPropertyName("umask")]
    public uint? Umask { get; set; }

    [JsonPropertyName("additionalGids")]
    public List<uint>? AdditionalGids { get; set; }

    /// <summary>Windows only; kept so it round-trips.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; set; }
}

/// <summary>Capability sets; each entry is a name such as <c>CAP_KILL</c>.</summary>
public sealed class LinuxCapabilities
{
    [JsonPropertyName("bounding")]
    public List<string>? Bounding { get; set; }

    [JsonPropertyName("effective")]
    public List<string>? Effective { get; set; }

    [JsonPropertyName("inheritable")]
    public List<string>? Inheritable { get; set; }

    [JsonPropertyName("permitted")]
    public List<string>? Permitted { get; set; }

    [JsonPropertyName("ambient")]
    public List<string>? Ambient { get; set; }
}

public sealed class PosixRlimit
{
    /// <summary>An <c>RLIMIT_*</c> name.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    [JsonPropertyName("hard")]
    public ulong Hard { get; set; }

    [JsonPropertyName("soft")]
    public ulong Soft { get; set; }
}

/// <summary>sched_setattr(2) parameters (runtime-spec 1.2).</summary>
public sealed class Scheduler
{
    /// <summary>SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE or SCHED_DEADLINE.</summary>
    [JsonPropertyName("policy")]
    public string Policy { get; set; } = "";

    [JsonPropertyName("nice")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Nice { get; set; }

    [JsonPropertyName("priority")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Priority { get; set; }

    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }

    [JsonPropertyName("runtime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Runtime { get; set; }

    [JsonPropertyName("deadline")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Deadline { get; set; }

    [JsonPropertyName("period")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Period { get; set; }
}

/// <summary>ioprio_set(2) parameters.</summary>
public sealed class LinuxIoPriority
{
    /// <summary>IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE.</summary>
    [JsonPropertyName("class")]
    public string Class { get; set; } = "";

    [JsonPropertyName("priority")]
    public int Priority { get; set; }
}

/// <summary>CPU lists (e.g. "0-3,7") applied to an exec'd process before and after it joins the cgroup.</summary>
public sealed class CpuAffinity
{
    [JsonPropertyName("initial")]
    public string? Initial { get; set; }

    [JsonPropertyName("final")]
    public string? Final { get; set; }
}
