namespace Runsharp.Spec;

/// <summary><c>process</c> in config.json, and the whole of the file <c>exec --process</c> takes. Read only.</summary>
public static class ProcessShapes
{
    public static readonly JsonShape<Box> Box = new(() => new Box())
    {
        { "height", (ref j, b) => b.Height = j.UInt32() },
        { "width", (ref j, b) => b.Width = j.UInt32() },
    };

    public static readonly JsonShape<User> User = new(() => new User())
    {
        { "uid", (ref j, u) => u.Uid = j.UInt32() },
        { "gid", (ref j, u) => u.Gid = j.UInt32() },
        { "umask", (ref j, u) => u.Umask = j.UInt32OrNull() },
        { "additionalGids", (ref j, u) => u.AdditionalGids = j.UInt32ListOrNull() },
        { "username", (ref j, u) => u.Username = j.StringOrNull() },
    };

    public static readonly JsonShape<LinuxCapabilities> Capabilities = new(() => new LinuxCapabilities())
    {
        { "bounding", (ref j, c) => c.Bounding = j.StringListOrNull() },
        { "effective", (ref j, c) => c.Effective = j.StringListOrNull() },
        { "inheritable", (ref j, c) => c.Inheritable = j.StringListOrNull() },
        { "permitted", (ref j, c) => c.Permitted = j.StringListOrNull() },
        { "ambient", (ref j, c) => c.Ambient = j.StringListOrNull() },
    };

    public static readonly JsonShape<PosixRlimit> Rlimit = new(() => new PosixRlimit())
    {
        { "type", (ref j, r) => r.Type = j.String() },
        { "hard", (ref j, r) => r.Hard = j.UInt64() },
        { "soft", (ref j, r) => r.Soft = j.UInt64() },
    };

    public static readonly JsonShape<Scheduler> Scheduler = new(() => new Scheduler())
    {
        { "policy", (ref j, s) => s.Policy = j.String() },
        { "nice", (ref j, s) => s.Nice = j.Int32() },
        { "priority", (ref j, s) => s.Priority = j.Int32() },
        { "flags", (ref j, s) => s.Flags = j.StringListOrNull() },
        { "runtime", (ref j, s) => s.Runtime = j.UInt64() },
        { "deadline", (ref j, s) => s.Deadline = j.UInt64() },
        { "period", (ref j, s) => s.Period = j.UInt64() },
    };

    public static readonly JsonShape<LinuxIoPriority> IoPriority = new(() => new LinuxIoPriority())
    {
        { "class", (ref j, p) => p.Class = j.String() },
        { "priority", (ref j, p) => p.Priority = j.Int32() },
    };

    public static readonly JsonShape<CpuAffinity> CpuAffinity = new(() => new CpuAffinity())
    {
        { "initial", (ref j, a) => a.Initial = j.StringOrNull() },
        { "final", (ref j, a) => a.Final = j.StringOrNull() },
    };

    public static readonly JsonShape<Process> Process = new(() => new Process())
    {
        { "terminal", (ref j, p) => p.Terminal = j.Bool() },
        { "consoleSize", (ref j, p) => p.ConsoleSize = j.ObjectOrNull(Box) },
        { "user", (ref j, p) => p.User = j.Object(User) },
        { "args", (ref j, p) => p.Args = j.StringListOrNull() },
        { "commandLine", (ref j, p) => p.CommandLine = j.StringOrNull() },
        { "env", (ref j, p) => p.Env = j.StringListOrNull() },
        { "cwd", (ref j, p) => p.Cwd = j.String() },
        { "capabilities", (ref j, p) => p.Capabilities = j.ObjectOrNull(Capabilities) },
        { "rlimits", (ref j, p) => p.Rlimits = j.ListOrNull(Rlimit) },
        { "noNewPrivileges", (ref j, p) => p.NoNewPrivileges = j.Bool() },
        { "apparmorProfile", (ref j, p) => p.ApparmorProfile = j.StringOrNull() },
        { "oomScoreAdj", (ref j, p) => p.OomScoreAdj = j.Int32OrNull() },
        { "scheduler", (ref j, p) => p.Scheduler = j.ObjectOrNull(Scheduler) },
        { "selinuxLabel", (ref j, p) => p.SelinuxLabel = j.StringOrNull() },
        { "ioPriority", (ref j, p) => p.IoPriority = j.ObjectOrNull(IoPriority) },
        { "execCPUAffinity", (ref j, p) => p.ExecCPUAffinity = j.ObjectOrNull(CpuAffinity) },
    };
}
