using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>The seccomp filter (<c>linux.seccomp</c>). Names are libseccomp's (SCMP_ACT_*, SCMP_ARCH_*, SCMP_CMP_*).</summary>
public sealed class LinuxSeccomp
{
    [JsonPropertyName("defaultAction")]
    public string DefaultAction { get; set; } = "";

    [JsonPropertyName("defaultErrnoRet")]
    public uint? DefaultErrnoRet { get; set; }

    [JsonPropertyName("architectures")]
    public List<string>? Architectures { get; set; }

    /// <summary>SECCOMP_FILTER_FLAG_* names.</summary>
    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }

    /// <summary>Unix socket that receives the notify fd when any rule uses SCMP_ACT_NOTIFY.</summary>
    [JsonPropertyName("listenerPath")]
    public string? ListenerPath { get; set; }

    [JsonPropertyName("listenerMetadata")]
    public string? ListenerMetadata { get; set; }

    [JsonPropertyName("syscalls")]
    public List<LinuxSyscall>? Syscalls { get; set; }
}

public sealed class LinuxSyscall
{
    [JsonPropertyName("names")]
    public List<string> Names { get; set; } = [];

    [JsonPropertyName("action")]
    public string Action { get; set; } = "";

    [JsonPropertyName("errnoRet")]
    public uint? ErrnoRet { get; set; }

    [JsonPropertyName("args")]
    public List<LinuxSeccompArg>? Args { get; set; }
}

public sealed class LinuxSeccompArg
{
    /// <summary>Syscall argument index, 0 to 5.</summary>
    [JsonPropertyName("index")]
    public uint Index { get; set; }

    [JsonPropertyName("value")]
    public ulong Value { get; set; }

    /// <summary>Only used by SCMP_CMP_MASKED_EQ (the mask is <see cref="Value"/>).</summary>
    [JsonPropertyName("valueTwo")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ValueTwo { get; set; }

    [JsonPropertyName("op")]
    public string Op { get; set; } = "";
}

/// <summary>The names the spec defines for seccomp, for validation and <c>features</c>.</summary>
public static class SeccompNames
{
    public static readonly IReadOnlyList<string> Actions =
    [
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    ];

    public static readonly IReadOnlyList<string> Operators =
    [
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
        "SCMP_CMP_MASKED_EQ",
    ];

    public static readonly IReadOnlyList<string> Architectures =
    [
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
        "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
        "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    ];

    public static readonly IReadOnlyList<string> Flags =
    [
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    ];
}
