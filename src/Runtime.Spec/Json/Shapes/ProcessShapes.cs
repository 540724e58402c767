namespace Runsharp.Spec;

/// <summary><c>process</c> in config.json, and the whole of the file <c>exec --process</c> takes. Read, and written by <c>spec</c>.</summary>
public static class ProcessShapes
{
    public static readonly JsonShape<Box> Box = new(() => new Box())
    {
        { "height", (ref j, b) => b.Height = j.UInt32(), (w, n, b) => w.Number(n, b.Height) },
        { "width", (ref j, b) => b.Width = j.UInt32(), (w, n, b) => w.Number(n, b.Width) },
    };

    public static readonly JsonShape<User> User = new(() => new User())
    {
        { "uid", (ref j, u) => u.Uid = j.UInt32(), (w, n, u) => w.Number(n, u.Uid) },
        { "gid", (ref j, u) => u.Gid = j.UInt32(), (w, n, u) => w.Number(n, u.Gid) },
        { "umask", (ref j, u) => u.Umask = j.UInt32OrNull(), (w, n, u) => w.Number(n, u.Umask) },
        { "additionalGids", (ref j, u) => u.AdditionalGids = j.UInt32ListOrNull(), (w, n, u) => w.Numbers(n, u.AdditionalGids) },
        { "username", (ref j, u) => u.Username = j.StringOrNull(), (w, n, u) => w.String(n, u.Username) },
    };

    public static readonly JsonShape<LinuxCapabilities> Capabilities = new(() => new LinuxCapabilities())
    {
        { "bounding", (ref j, c) => c.Bounding = j.StringListOrNull(), (w, n, c) => w.Strings(n, c.Bounding) },
        { "effective", (ref j, c) => c.Effective = j.StringListOrNull(), (w, n, c) => w.Strings(n, c.Effective) },
        { "inheritable", (ref j, c) => c.Inheritable = j.StringListOrNull(), (w, n, c) => w.Strings(n, c.Inheritable) },
        { "permitted", (ref j, c) => c.Permitted = j.StringListOrNull(), (w, n, c) => w.Strings(n, c.Permitted) },
        { "ambient", (ref j, c) => c.Ambient = j.StringListOrNull(), (w, n, c) => w.Strings(n, c.Ambient) },
    };

    public static readonly JsonShape<PosixRlimit> Rlimit = new(() => new PosixRlimit())
    {
        { "type", (ref j, r) => r.Type = j.String(), (w, n, r) => w.String(n, r.Type) },
        { "hard", (ref j, r) => r.Hard = j.UInt64(), (w, n, r) => w.Number(n, r.Hard) },
        { "soft", (ref j, r) => r.Soft = j.UInt64(), (w, n, r) => w.Number(n, r.Soft) },
    };

    public static readonly JsonShape<Scheduler> Scheduler = new(() => new Scheduler())
    {
        { "policy", (ref j, s) => s.Policy = j.String(), (w, n, s) => w.String(n, s.Policy) },
        { "nice", (ref j, s) => s.Nice = j.Int32(), (w, n, s) => w.NonZero(n, s.Nice) },
        { "priority", (ref j, s) => s.Priority = j.Int32(), (w, n, s) => w.NonZero(n, s.Priority) },
        { "flags", (ref j, s) => s.Flags = j.StringListOrNull(), (w, n, s) => w.Strings(n, s.Flags) },
        { "runtime", (ref j, s) => s.Runtime = j.UInt64(), (w, n, s) => w.NonZero(n, s.Runtime) },
        { "deadline", (ref j, s) => s.Deadline = j.UInt64(), (w, n, s) => w.NonZero(n, s.Deadline) },
        { "period", (ref j, s) => s.Period = j.UInt64(), (w, n, s) => w.NonZero(n, s.Period) },
    };

    public static readonly JsonShape<LinuxIoPriority> IoPriority = new(() => new LinuxIoPriority())
    {
        { "class", (ref j, p) => p.Class = j.String(), (w, n, p) => w.String(n, p.Class) },
        { "priority", (ref j, p) => p.Priority = j.Int32(), (w, n, p) => w.Number(n, p.Priority) },
    };

    public static readonly JsonShape<CpuAffinity> CpuAffinity = new(() => new CpuAffinity())
    {
        { "initial", (ref j, a) => a.Initial = j.StringOrNull(), (w, n, a) => w.String(n, a.Initial) },
        { "final", (ref j, a) => a.Final = j.StringOrNull(), (w, n, a) => w.String(n, a.Final) },
    };

    public static readonly JsonShape<Process> Process = new(() => new Process())
    {
        { "terminal", (ref j, p) => p.Terminal = j.Bool(), (w, n, p) => w.TrueOnly(n, p.Terminal) },
        { "consoleSize", (ref j, p) => p.ConsoleSize = j.ObjectOrNull(Box), (w, n, p) => w.Object(n, p.ConsoleSize, Box) },
        { "user", (ref j, p) => p.User = j.Object(User), (w, n, p) => w.Object(n, p.User, User) },
        { "args", (ref j, p) => p.Args = j.StringListOrNull(), (w, n, p) => w.Strings(n, p.Args) },
        { "commandLine", (ref j, p) => p.CommandLine = j.StringOrNull(), (w, n, p) => w.String(n, p.CommandLine) },
        { "env", (ref j, p) => p.Env = j.StringListOrNull(), (w, n, p) => w.Strings(n, p.Env) },
        { "cwd", (ref j, p) => p.Cwd = j.String(), (w, n, p) => w.String(n, p.Cwd) },
        { "capabilities", (ref j, p) => p.Capabilities = j.ObjectOrNull(Capabilities), (w, n, p) => w.Object(n, p.Capabilities, Capabilities) },
        { "rlimits", (ref j, p) => p.Rlimits = j.ListOrNull(Rlimit), (w, n, p) => w.List(n, p.Rlimits, Rlimit) },
        { "noNewPrivileges", (ref j, p) => p.NoNewPrivileges = j.Bool(), (w, n, p) => w.TrueOnly(n, p.NoNewPrivileges) },
        { "apparmorProfile", (ref j, p) => p.ApparmorProfile = j.StringOrNull(), (w, n, p) => w.String(n, p.ApparmorProfile) },
        { "oomScoreAdj", (ref j, p) => p.OomScoreAdj = j.Int32OrNull(), (w, n, p) => w.Number(n, p.OomScoreAdj) },
        { "scheduler", (ref j, p) => p.Scheduler = j.ObjectOrNull(Scheduler), (w, n, p) => w.Object(n, p.Scheduler, Scheduler) },
        { "selinuxLabel", (ref j, p) => p.SelinuxLabel = j.StringOrNull(), (w, n, p) => w.String(n, p.SelinuxLabel) },
        { "ioPriority", (ref j, p) => p.IoPriority = j.ObjectOrNull(IoPriority), (w, n, p) => w.Object(n, p.IoPriority, IoPriority) },
        { "execCPUAffinity", (ref j, p) => p.ExecCPUAffinity = j.ObjectOrNull(CpuAffinity), (w, n, p) => w.Object(n, p.ExecCPUAffinity, CpuAffinity) },
    };
}
