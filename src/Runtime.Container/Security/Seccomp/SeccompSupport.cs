namespace Runsharp.Container.Security.Seccomp;

/// <summary>
/// What this build supports of <c>linux.seccomp</c>, and how the spec's names map to libseccomp's action,
/// architecture and operator values and to seccomp(2)'s filter flags.
/// </summary>
public static class SeccompSupport
{
    public const int DefaultErrno = 1; // EPERM, for SCMP_ACT_ERRNO / SCMP_ACT_TRACE without an errnoRet

    // Action values (seccomp.h): the low 16 bits carry ERRNO's errno and TRACE's message.
    private const uint ActKillProcess = 0x80000000, ActKillThread = 0x00000000, ActTrap = 0x00030000,
        ActErrno = 0x00050000, ActTrace = 0x7ff00000, ActLog = 0x7ffc0000, ActAllow = 0x7fff0000,
        ActNotify = 0x7fc00000;

    /// <summary>Actions this build applies (SCMP_ACT_NOTIFY on rules, with linux.seccomp.listenerPath).</summary>
    public static readonly IReadOnlyList<string> Actions =
    [
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    ];

    public const string Notify = "SCMP_ACT_NOTIFY";

    /// <summary>enum scmp_compare.</summary>
    public static readonly IReadOnlyDictionary<string, int> Operators = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["SCMP_CMP_NE"] = 1, ["SCMP_CMP_LT"] = 2, ["SCMP_CMP_LE"] = 3, ["SCMP_CMP_EQ"] = 4,
        ["SCMP_CMP_GE"] = 5, ["SCMP_CMP_GT"] = 6, ["SCMP_CMP_MASKED_EQ"] = 7,
    };

    /// <summary>SCMP_ARCH_* tokens (the kernel's AUDIT_ARCH_* values) that libseccomp 2.5 knows.</summary>
    public static readonly IReadOnlyDictionary<string, uint> Architectures = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["SCMP_ARCH_X86"] = 0x40000003, ["SCMP_ARCH_X86_64"] = 0xC000003E, ["SCMP_ARCH_X32"] = 0x4000003E,
        ["SCMP_ARCH_ARM"] = 0x40000028, ["SCMP_ARCH_AARCH64"] = 0xC00000B7,
        ["SCMP_ARCH_MIPS"] = 0x00000008, ["SCMP_ARCH_MIPS64"] = 0x80000008, ["SCMP_ARCH_MIPS64N32"] = 0xA0000008,
        ["SCMP_ARCH_MIPSEL"] = 0x40000008, ["SCMP_ARCH_MIPSEL64"] = 0xC0000008, ["SCMP_ARCH_MIPSEL64N32"] = 0xE0000008,
        ["SCMP_ARCH_PPC"] = 0x00000014, ["SCMP_ARCH_PPC64"] = 0x80000015, ["SCMP_ARCH_PPC64LE"] = 0xC0000015,
        ["SCMP_ARCH_S390"] = 0x00000016, ["SCMP_ARCH_S390X"] = 0x80000016,
        ["SCMP_ARCH_PARISC"] = 0x0000000F, ["SCMP_ARCH_PARISC64"] = 0x8000000F, ["SCMP_ARCH_RISCV64"] = 0xC00000F3,
    };

    /// <summary>SECCOMP_FILTER_FLAG_* for seccomp(SECCOMP_SET_MODE_FILTER).</summary>
    public static readonly IReadOnlyDictionary<string, uint> Flags = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["SECCOMP_FILTER_FLAG_TSYNC"] = 1, ["SECCOMP_FILTER_FLAG_LOG"] = 2, ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"] = 4,
        ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"] = 32,
    };

    /// <summary>Only meaningful with a notify listener (the kernel refuses it without one): passed on only with one.</summary>
    public const uint FlagWaitKillableRecv = 32;

    /// <summary>SECCOMP_FILTER_FLAG_TSYNC, NEW_LISTENER (seccomp(2) returns the notify fd), TSYNC_ESRCH.</summary>
    public const uint FlagTsync = 1, FlagNewListener = 8, FlagTsyncEsrch = 16;

    /// <summary>The libseccomp action value, or null for a name this build does not know.</summary>
    public static uint? Action(string name, uint? errnoRet) => name switch
    {
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => ActKillThread,
        "SCMP_ACT_KILL_PROCESS" => ActKillProcess,
        "SCMP_ACT_TRAP" => ActTrap,
        "SCMP_ACT_ERRNO" => ActErrno | ((errnoRet ?? DefaultErrno) & 0xffff),
        "SCMP_ACT_TRACE" => ActTrace | ((errnoRet ?? DefaultErrno) & 0xffff),
        "SCMP_ACT_ALLOW" => ActAllow,
        "SCMP_ACT_LOG" => ActLog,
        "SCMP_ACT_NOTIFY" => ActNotify,
        _ => null,
    };

    /// <summary>Flag names the running kernel accepts (probed: a known flag with a null program fails with EFAULT).</summary>
    public static IReadOnlyList<string> SupportedFlags() =>
        Flags.Where(f => f.Value == FlagWaitKillableRecv || KernelAcceptsFlag(f.Value)).Select(f => f.Key).ToList();

    public static bool KernelAcceptsFlag(uint flag)
    {
        long r = Linux.Native.RawSyscall.Invoke(Linux.Native.Sys.seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, flag, 0);
        return r == -14 /* EFAULT: the flags passed, the (null) program did not */;
    }
}
