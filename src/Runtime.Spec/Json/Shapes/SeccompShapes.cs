namespace Runsharp.Spec;

/// <summary><c>linux.seccomp</c>. Read only.</summary>
public static class SeccompShapes
{
    public static readonly JsonShape<LinuxSeccompArg> Arg = new(() => new LinuxSeccompArg())
    {
        { "index", (ref j, a) => a.Index = j.UInt32() },
        { "value", (ref j, a) => a.Value = j.UInt64() },
        { "valueTwo", (ref j, a) => a.ValueTwo = j.UInt64() },
        { "op", (ref j, a) => a.Op = j.String() },
    };

    public static readonly JsonShape<LinuxSyscall> Syscall = new(() => new LinuxSyscall())
    {
        { "names", (ref j, s) => s.Names = j.StringList() },
        { "action", (ref j, s) => s.Action = j.String() },
        { "errnoRet", (ref j, s) => s.ErrnoRet = j.UInt32OrNull() },
        { "args", (ref j, s) => s.Args = j.ListOrNull(Arg) },
    };

    public static readonly JsonShape<LinuxSeccomp> Seccomp = new(() => new LinuxSeccomp())
    {
        { "defaultAction", (ref j, s) => s.DefaultAction = j.String() },
        { "defaultErrnoRet", (ref j, s) => s.DefaultErrnoRet = j.UInt32OrNull() },
        { "architectures", (ref j, s) => s.Architectures = j.StringListOrNull() },
        { "flags", (ref j, s) => s.Flags = j.StringListOrNull() },
        { "listenerPath", (ref j, s) => s.ListenerPath = j.StringOrNull() },
        { "listenerMetadata", (ref j, s) => s.ListenerMetadata = j.StringOrNull() },
        { "syscalls", (ref j, s) => s.Syscalls = j.ListOrNull(Syscall) },
    };
}
