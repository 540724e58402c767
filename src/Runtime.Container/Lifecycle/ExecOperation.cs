using Runsharp.Cgroups;
using Runsharp.Container.Exec;
using Runsharp.Container.Foreground;
using Runsharp.Container.Process;
using Runsharp.Container.Security;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Container.State;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;
using ContainerStatus = Runsharp.Container.State.ContainerStatus;

namespace Runsharp.Container.Lifecycle;

/// <summary>What `exec` was asked for: a process.json, or argv plus overrides of the container's own process.</summary>
public sealed class ExecOptions
{
    public required string Id { get; init; }
    public string? ProcessPath { get; init; }
    public IReadOnlyList<string> Args { get; init; } = [];
    public string? Cwd { get; init; }
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? User { get; init; }
    public IReadOnlyList<long> AdditionalGids { get; init; } = [];
    public IReadOnlyList<string> Caps { get; init; } = [];
    public bool NoNewPrivileges { get; init; }
    public bool Tty { get; init; }
    public string? ApparmorProfile { get; init; }
    public string? ProcessLabel { get; init; }
    public string? ConsoleSocket { get; init; }
    public bool Detached { get; init; }
    public string? PidFile { get; init; }
    public int PreserveFds { get; init; }
    public bool IgnorePaused { get; init; }
    /// <summary>--cgroup values: sub-cgroups of the container's cgroup to join (see SubCgroups).</summary>
    public IReadOnlyList<string> Cgroups { get; init; } = [];
}

/// <summary>
/// `exec`: a new process in a running (or created) container. The parent opens the init's namespaces (after
/// checking the init is the recorded one), compiles a plan (<see cref="ExecPlanCompiler"/>), forks inside the
/// container's pid namespace, puts the child in the container's cgroup and applies rlimits, then releases it.
/// Returns the child's pid; in the foreground the caller waits for it (it is our child).
/// </summary>
public sealed class ExecOperation(StateStore store, Action<string>? debug = null)
{
    /// <summary>After a foreground exec with a tty and no --console-socket: the tty the caller relays (it owns it
    /// from here on). Null otherwise.</summary>
    public ForegroundConsole? Console { get; private set; }

    private static readonly (string Name, long Flag)[] JoinOrder =
    [
        ("user", Flags.CLONE_NEWUSER), ("ipc", Flags.CLONE_NEWIPC), ("uts", Flags.CLONE_NEWUTS),
        ("net", Flags.CLONE_NEWNET), ("cgroup", Flags.CLONE_NEWCGROUP), ("mnt", Flags.CLONE_NEWNS),
    ];

    /// <summary>Said when joining an --cgroup sub-cgroup fails in the child.</summary>
    const string SubCgroupHint = "exec --cgroup: unable to add the process to its sub-cgroups; a v1 cpuset sub-cgroup needs cpuset.cpus and cpuset.mems";

    public int Run(ExecOptions options)
    {
        if (!store.Exists(options.Id)) throw StateStore.NotFound(options.Id);
        var record = store.Read(options.Id);
        switch (StatusProbe.Probe(store, options.Id, record))
        {
            case ContainerStatus.Created or ContainerStatus.Running: break;
            // A frozen process would never report ready: refuse, as runc does, unless told to go ahead.
            case ContainerStatus.Paused when options.IgnorePaused: break;
            case ContainerStatus.Paused: throw new ContainerException("cannot exec in a paused container (use --ignore-paused to override)");
            case ContainerStatus.Stopped: throw new ContainerException("cannot exec in a stopped container");
            case var s: throw new ContainerException($"cannot exec in a container in the {s.Name()} state");
        }
        Spec.Spec spec;
        try { spec = SpecLoader.LoadConfig(store.DirOf(options.Id)); }
        catch (SpecException e) { throw new ContainerException($"the container's saved config: {e.Message}"); }
        var process = BuildProcess(spec, options);
        if (process.Terminal && options.ConsoleSocket is null && options.Detached)
            throw new ContainerException("cannot allocate tty if runsharp will detach without setting console socket");
        if (!process.Terminal && options.ConsoleSocket is not null)
            throw new ContainerException("cannot use console socket if runsharp will not detach or allocate tty");
        string? pidFile = options.PidFile is null ? null : Path.GetFullPath(options.PidFile);
        var cgroup = ContainerCgroup.ForExec(record, options.Cgroups);

        var fds = new List<int>();
        int pid = -1;
        ForegroundConsole? foreground = null;
        try
        {
            var namespaces = OpenNamespaces(record, fds, out int pidNs);
            // The fds are open: if the init is still the recorded one now, they are its namespaces.
            if (!StatusProbe.IsAlive(record)) throw new ContainerException("cannot exec in a stopped container");
            var (syncRead, syncWrite) = Posix.Pipe("unable to create the sync pipe");
            fds.Add(syncRead); fds.Add(syncWrite);
            var (goRead, goWrite) = Posix.Pipe("unable to create the start pipe");
            fds.Add(goRead); fds.Add(goWrite);
            int consoleFd = -1;
            if (options.ConsoleSocket is not null) fds.Add(consoleFd = ConsoleSocket.Connect(options.ConsoleSocket));
            else if (process.Terminal) foreground = ForegroundConsole.Open();
            bool ownMnt = !namespaces.Any(n => n.Flag == Flags.CLONE_NEWNS);
            bool userNs = namespaces.Any(n => n.Flag == Flags.CLONE_NEWUSER);

            // The process joins its cgroups itself, without the cgroup-wide lock (see InitCgroupJoin).
            var join = InitCgroupJoin.Open(cgroup, fds);
            int lastCap = Capabilities.LastCap();
            var ctx = new ExecContext
            {
                CgroupTaskFds = join.TaskFds, CgroupJoinHint = options.Cgroups.Count > 0 ? SubCgroupHint : null,
                Process = process, SyncWriteFd = syncWrite, SyncReadFd = syncRead, GoReadFd = goRead, GoWriteFd = goWrite,
                Console = foreground?.Request(process.ConsoleSize) ?? new ConsoleRequest(consoleFd, process.ConsoleSize, Relayed: false),
                Namespaces = namespaces,
                // Without a mount namespace the init only chrooted into the rootfs (see InitPlanCompiler).
                ChrootPath = ownMnt ? record.Rootfs : null,
                SetgroupsDenied = userNs && ReadTrimmed($"/proc/{record.Pid}/setgroups") == "deny",
                PreserveFds = options.PreserveFds, CapLastCap = lastCap,
                Seccomp = SeccompFilterBuilder.Build(spec.Linux?.Seccomp),
                Home = HomeDirectory.Lookup(record.Rootfs, process.User.Uid),
                Lsm = LsmHost.Detect(),
            };
            var builder = ExecPlanCompiler.Compile(ctx);
            using var plan = builder.Build(syncWrite);
            debug?.Invoke($"exec plan compiled: {builder.StepCount} steps, {plan.Size} bytes");

            bool bornInCgroup;
            try { pid = InitLauncher.Fork(plan, 0, pidNs >= 0 ? [(pidNs, Flags.CLONE_NEWPID)] : null, join.UnifiedFd, out bornInCgroup); }
            catch (ContainerException e) when (pidNs >= 0)
            {
                // clone(2) into a pid namespace whose init is exiting fails with ENOMEM.
                Thread.Sleep(100);
                if (!StatusProbe.IsAlive(record)) throw new ContainerException("cannot exec in a stopped container");
                throw new ContainerException($"{e.Message} (is the container's init exiting?)");
            }
            Posix.Close(syncWrite); fds.Remove(syncWrite);
            Posix.Close(goRead); fds.Remove(goRead);
            foreach (var (fd, _, _) in namespaces) { Posix.Close(fd); fds.Remove(fd); }
            foreground?.ChildForked();
            debug?.Invoke($"exec forked: pid {pid}");

            if (cgroup is not null && !join.Complete(cgroup, bornInCgroup))
            {
                try { cgroup.AddProcess(pid); }
                catch (Exception e) when (e is not ContainerException)
                {
                    if (options.Cgroups.Count == 0)
                        throw new ContainerException($"unable to add the process to the container's cgroup {cgroup.Path}: {e.Message}");
                    // ENOSPC: a new v1 cpuset cgroup starts with no cpus and mems, and takes no process until both are set.
                    string hint = e is CgroupException { Errno: Errno.ENOSPC } ? " (a v1 cpuset sub-cgroup needs cpuset.cpus and cpuset.mems)" : "";
                    throw new ContainerException($"exec --cgroup: unable to add the process to its sub-cgroups: {e.Message}{hint}");
                }
            }
            ParentSideLimits.Apply(pid, process);
            Posix.WriteAll(goWrite, [1], "unable to release the process");
            InitLauncher.AwaitReady(syncRead, pid, plan.Descriptions);
            foreground?.ReceiveMaster();
            InitLauncher.AwaitExecve(syncRead);
            debug?.Invoke("exec ready");
            if (pidFile is not null) AtomicFile.Write(pidFile, System.Text.Encoding.ASCII.GetBytes(pid.ToString()));
            int started = pid;
            pid = -1;
            Console = foreground;
            foreground = null;
            return started;
        }
        finally
        {
            foreground?.Dispose();
            if (pid > 0)
            {
                Posix.Kill(pid, Flags.SIGKILL);
                Posix.WaitPid(pid, 0);
            }
            foreach (var fd in fds) Posix.Close(fd);
        }
    }

    /// <summary>-p process.json as given, or the container's process with argv and the flags' overrides (as runc).</summary>
    public static OciProcess BuildProcess(Spec.Spec spec, ExecOptions o)
    {
        OciProcess p;
        if (o.ProcessPath is not null)
        {
            try { p = SpecLoader.LoadProcess(o.ProcessPath); }
            catch (SpecException e) { throw new ContainerException(e.Message); }
        }
        else
        {
            if (o.Args.Count == 0) throw new ContainerException("exec: the process's args are empty (give a command or -p process.json)");
            var saved = spec.Process ?? new OciProcess();
            p = new OciProcess
            {
                Args = [.. o.Args], Env = [.. saved.Env ?? []], Cwd = o.Cwd ?? saved.Cwd,
                User = new User { Uid = saved.User.Uid, Gid = saved.User.Gid, Umask = saved.User.Umask, AdditionalGids = saved.User.AdditionalGids is null ? null : [.. saved.User.AdditionalGids] },
                Capabilities = Copy(saved.Capabilities), Rlimits = saved.Rlimits, NoNewPrivileges = saved.NoNewPrivileges || o.NoNewPrivileges,
                ApparmorProfile = o.ApparmorProfile ?? saved.ApparmorProfile, SelinuxLabel = o.ProcessLabel ?? saved.SelinuxLabel,
                OomScoreAdj = saved.OomScoreAdj, Terminal = o.Tty,
            };
            foreach (var e in o.Env) SetEnv(p.Env!, e);
            if (o.User is { Length: > 0 } u)
            {
                var parts = u.Split(':', 2);
                if (!uint.TryParse(parts[0], out uint uid) || (parts.Length > 1 && !uint.TryParse(parts[1], out _)))
                    throw new ContainerException($"--user {u}: expected uid[:gid] as numbers");
                p.User.Uid = uid;
                if (parts.Length > 1) p.User.Gid = uint.Parse(parts[1]);
            }
            if (o.AdditionalGids.Count > 0)
            {
                p.User.AdditionalGids ??= [];
                foreach (var g in o.AdditionalGids)
                {
                    if (g < 0 || g > uint.MaxValue) throw new ContainerException($"--additional-gids {g}: not a gid");
                    p.User.AdditionalGids.Add((uint)g);
                }
            }
            if (o.Caps.Count > 0)
            {
                var c = p.Capabilities ??= new LinuxCapabilities();
                foreach (var cap in o.Caps)
                {
                    string name = cap.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? cap.ToUpperInvariant() : "CAP_" + cap.ToUpperInvariant();
                    (c.Bounding ??= []).Add(name);
                    (c.Effective ??= []).Add(name);
                    (c.Permitted ??= []).Add(name);
                }
            }
        }
        if (string.IsNullOrEmpty(p.Cwd)) p.Cwd = "/";
        var problems = SpecValidator.ValidateProcess(p);
        if (problems.Count > 0) throw new ContainerException(string.Join("; ", problems));
        return p;
    }

    private static LinuxCapabilities? Copy(LinuxCapabilities? c) => c is null ? null : new LinuxCapabilities
    {
        Bounding = c.Bounding is null ? null : [.. c.Bounding], Effective = c.Effective is null ? null : [.. c.Effective],
        Inheritable = c.Inheritable is null ? null : [.. c.Inheritable], Permitted = c.Permitted is null ? null : [.. c.Permitted],
        Ambient = c.Ambient is null ? null : [.. c.Ambient],
    };

    private static void SetEnv(List<string> env, string entry)
    {
        int eq = entry.IndexOf('=');
        string key = eq < 0 ? entry : entry[..eq];
        env.RemoveAll(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
        env.Add(entry);
    }

    /// <summary>The init's namespaces that differ from ours, in join order; the pid namespace apart (-1 if ours).</summary>
    private static List<(int Fd, long Flag, string Name)> OpenNamespaces(ContainerRecord record, List<int> fds, out int pidNs)
    {
        var list = new List<(int, long, string)>();
        pidNs = -1;
        foreach (var (name, flag) in JoinOrder.Append(("pid", Flags.CLONE_NEWPID)))
        {
            string theirs = $"/proc/{record.Pid}/ns/{name}";
            string? target;
            try
            {
                target = new FileInfo(theirs).LinkTarget;
                if (target is null) continue; // this kernel lacks that namespace type
                if (target == new FileInfo($"/proc/self/ns/{name}").LinkTarget) continue;
            }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException e) { throw new ContainerException($"unable to read {theirs}: {e.Message}"); }
            int fd = Posix.TryOpen(theirs, Flags.O_RDONLY);
            if (fd < 0)
            {
                if (fd == -Errno.ENOENT || fd == -Errno.ESRCH) throw new ContainerException("cannot exec in a stopped container");
                throw new ContainerException($"unable to open {theirs}: {Errno.Message(-fd)}");
            }
            fds.Add(fd);
            if (flag == Flags.CLONE_NEWPID) pidNs = fd;
            else list.Add((fd, flag, name));
        }
        return list;
    }

    private static string? ReadTrimmed(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
