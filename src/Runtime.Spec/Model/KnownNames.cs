namespace Runsharp.Spec;

/// <summary>Linux capability names (CAP_*) with their kernel numbers, through CAP_CHECKPOINT_RESTORE (40).</summary>
public static class CapabilityNames
{
    /// <summary>Index is the capability number.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static readonly Dictionary<string, int> Numbers = All.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);

    /// <summary>Looks a name up exactly (upper case, with the CAP_ prefix).</summary>
    public static bool TryGetNumber(string name, out int number) => Numbers.TryGetValue(name, out number);

    /// <summary>CAP_ then 1 to 60 of [A-Z0-9_]: the shape of a name a newer kernel might define.</summary>
    public static bool IsWellFormed(string name)
    {
        if (name.Length < 5 || name.Length > 64 || !name.StartsWith("CAP_", StringComparison.Ordinal)) return false;
        foreach (char c in name.AsSpan(4))
            if (!(c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '_')) return false;
        return true;
    }
}

/// <summary>RLIMIT_* names with their resource numbers (the generic Linux numbering used by x86 and arm).</summary>
public static class RlimitNames
{
    /// <summary>Index is the resource number.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    private static readonly Dictionary<string, int> Numbers = All.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);

    public static bool TryGetNumber(string name, out int resource) => Numbers.TryGetValue(name, out resource);
}
