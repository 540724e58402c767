namespace Runsharp.Spec;

/// <summary><c>linux.seccomp</c>. Read, and written by <c>spec</c>.</summary>
public static class SeccompShapes
{
    public static readonly JsonShape<LinuxSeccompArg> Arg = new(() => new LinuxSeccompArg())
    {
        { "index", (ref j, a) => a.Index = j.UInt32(), (w, n, a) => w.Number(n, a.Index) },
        { "value", (ref j, a) => a.Value = j.UInt64(), (w, n, a) => w.Number(n, a.Value) },
        { "valueTwo", (ref j, a) => a.ValueTwo = j.UInt64(), (w, n, a) => w.NonZero(n, a.ValueTwo) },
        { "op", (ref j, a) => a.Op = j.String(), (w, n, a) => w.String(n, a.Op) },
    };

    public static readonly JsonShape<LinuxSyscall> Syscall = new(() => new LinuxSyscall())
    {
        { "names", (ref j, s) => s.Names = j.StringList(), (w, n, s) => w.Strings(n, s.Names) },
        { "action", (ref j, s) => s.Action = j.String(), (w, n, s) => w.String(n, s.Action) },
        { "errnoRet", (ref j, s) => s.ErrnoRet = j.UInt32OrNull(), (w, n, s) => w.Number(n, s.ErrnoRet) },
        { "args", (ref j, s) => s.Args = j.ListOrNull(Arg), (w, n, s) => w.List(n, s.Args, Arg) },
    };

    public static readonly JsonShape<LinuxSeccomp> Seccomp = new(() => new LinuxSeccomp())
    {
        { "defaultAction", (ref j, s) => s.DefaultAction = j.String(), (w, n, s) => w.String(n, s.DefaultAction) },
        { "defaultErrnoRet", (ref j, s) => s.DefaultErrnoRet = j.UInt32OrNull(), (w, n, s) => w.Number(n, s.DefaultErrnoRet) },
        { "architectures", (ref j, s) => s.Architectures = j.StringListOrNull(), (w, n, s) => w.Strings(n, s.Architectures) },
        { "flags", (ref j, s) => s.Flags = j.StringListOrNull(), (w, n, s) => w.Strings(n, s.Flags) },
        { "listenerPath", (ref j, s) => s.ListenerPath = j.StringOrNull(), (w, n, s) => w.String(n, s.ListenerPath) },
        { "listenerMetadata", (ref j, s) => s.ListenerMetadata = j.StringOrNull(), (w, n, s) => w.String(n, s.ListenerMetadata) },
        { "syscalls", (ref j, s) => s.Syscalls = j.ListOrNull(Syscall), (w, n, s) => w.List(n, s.Syscalls, Syscall) },
    };
}
