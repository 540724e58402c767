using Runsharp.Cgroups;
using Runsharp.Container.Exec;
using Runsharp.Container.Foreground;
using Runsharp.Container.Hooks;
using Runsharp.Container.Mounts;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Process;
using Runsharp.Container.Security;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Container.State;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Lifecycle;

/// <summary>
/// `create`: spec -> state dir -> cgroup -> plan -> fork -> handshake -> state.json.
/// Anything that fails after the state dir exists is undone: the child killed, the cgroup removed,
/// the state dir deleted, so a failed create leaves nothing behind. A create that is killed cannot undo
/// anything: state.json is written early (before the cgroup) and again once the init is ready, so that
/// delete can remove whatever it left (see UnfinishedCreate).
/// </summary>
public sealed class CreateOperation(StateStore store, Action<string>? debug = null, Action<string>? warn = null)
{
    /// <summary>After a foreground create with process.terminal and no --console-socket: the tty the caller relays
    /// (it owns it from here on). Null otherwise.</summary>
    public ForegroundConsole? Console { get; private set; }

    public ContainerRecord Run(CreateOptions options)
    {
        if (ContainerIdValidator.Validate(options.Id) is { } idError) throw new ContainerException(idError);
        string bundle = Path.GetFullPath(options.Bundle);
        if (!Directory.Exists(bundle)) throw new ContainerException($"bundle {bundle}: no such file or directory");
        string? pidFile = options.PidFile is null ? null : Path.GetFullPath(options.PidFile);
        var spec = LoadSpec(bundle, warn, out byte[] configJson);
        var process = spec.Process!;
        string rootfs = Path.GetFullPath(Path.Combine(bundle, spec.Root!.Path));
        CheckConsoleArguments(process, options);

        var fds = new List<int>();
        ICgroupManager? cgroup = null;
        ForegroundConsole? foreground = null;
        int pid = -1;
        using var dirLock = store.CreateContainerDir(options.Id);
        try
        {
            string dir = store.DirOf(options.Id);
            store.WriteFile(options.Id, StateStore.ConfigCopy, configJson);
            using var namespaces = NamespaceSetup.Open(spec.Linux?.Namespaces);
            bool unprivileged = Posix.Geteuid() != 0;
            namespaces.SetgroupsDenied = unprivileged && namespaces.IsNew(NamespaceTypes.User);
            using var idmapped = IdmappedMounts.Prepare(spec, bundle, namespaces.IsNew(NamespaceTypes.User) || namespaces.JoinsUser);
            using var copyUp = TmpfsCopyUp.Prepare(spec, rootfs);
            bool rootless = options.Rootless ?? unprivileged;

            var host = CgroupHost.Detect();
            string? cgroupsPath = options.SystemdCgroup
                ? SystemdCgroupPath.ToCgroupfsPath(spec.Linux?.CgroupsPath, options.Id, rootless)
                : spec.Linux?.CgroupsPath;
            cgroup = CgroupManagerFactory.Create(host, cgroupsPath, options.Id,
                new CgroupManagerOptions
                {
                    DefaultParent = options.DefaultCgroupParent,
                    // The devices the container is given (linux.devices) shape its device cgroup rules.
                    CreatedDevices = spec.Linux?.Devices,
                });
            // The early record (no pid yet), written before any cgroup directory exists: a create killed from here on
            // leaves a state dir that names its cgroup, and delete finds the init in it or by its hold on exec.fifo.
            var record = new ContainerRecord
            {
                OciVersion = spec.OciVersion, Id = options.Id, Bundle = bundle, Rootfs = rootfs,
                Created = SpecJson.FormatTimestamp(DateTime.UtcNow), Owner = "", Annotations = spec.Annotations,
                CgroupMode = host.Mode.Name(), SystemdCgroup = options.SystemdCgroup,
            };
            var plannedDepths = cgroup.Paths.MissingDepths();
            store.Write(WithCgroup(record, cgroup, plannedDepths));
            cgroup = RootlessCgroup.Create(cgroup, spec.Linux?.Resources, rootless, debug);
            debug?.Invoke(cgroup is null ? "no cgroup (rootless)" : $"cgroup {cgroup.Path} ready");
            // Someone made or removed a parent meanwhile, or rootless went without: say what really exists.
            if (cgroup is null || !SameDepths(cgroup.CreatedDepths, plannedDepths)) store.Write(WithCgroup(record, cgroup, cgroup?.CreatedDepths));

            string fifo = Path.Combine(dir, StateStore.ExecFifo);
            Posix.MkFifo(fifo, 0x180 /* 0600 */);
            int fifoFd = Track(fds, Posix.Open(fifo, Flags.O_RDWR));
            var (syncRead, syncWrite) = Posix.Pipe("unable to create the sync pipe");
            Track(fds, syncRead); Track(fds, syncWrite);
            var (goRead, goWrite) = Posix.Pipe("unable to create the start pipe");
            Track(fds, goRead); Track(fds, goWrite);
            int consoleFd = options.ConsoleSocket is null ? -1 : Track(fds, ConsoleSocket.Connect(options.ConsoleSocket));
            // No console socket in the foreground: the tty is ours to relay (detached was refused above).
            if (process.Terminal && consoleFd < 0) foreground = ForegroundConsole.Open();
            int rootfsParentFd = Track(fds, OpenDir(Path.GetDirectoryName(rootfs) ?? "/", "root.path"));
            int ownCwd = Track(fds, OpenDir(".", "cwd"));
            // SCMP_ACT_NOTIFY: the init sends its notify fd back on this pair (see SeccompListener).
            var (seccompParent, seccompChild) = SeccompFilterBuilder.UsesNotify(spec.Linux?.Seccomp) ? SeccompListener.SocketPair() : (-1, -1);
            if (seccompParent >= 0) { Track(fds, seccompParent); Track(fds, seccompChild); }

            var join = InitCgroupJoin.Open(cgroup, fds);
            int lastCap = Capabilities.LastCap();
            var ctx = new InitContext
            {
                Spec = spec, BundleDir = bundle, RootfsPath = rootfs,
                SyncWriteFd = syncWrite, SyncReadFd = syncRead, GoReadFd = goRead, GoWriteFd = goWrite,
                ExecFifoFd = fifoFd, SeccompSocketFd = seccompChild,
                Console = foreground?.Request(process.ConsoleSize) ?? new ConsoleRequest(consoleFd, process.ConsoleSize, Relayed: false),
                CloseInChild = seccompParent >= 0 ? [dirLock.Fd, ownCwd, rootfsParentFd, seccompParent] : [dirLock.Fd, ownCwd, rootfsParentFd],
                JoinFds = namespaces.JoinFds, PreserveFds = options.PreserveFds,
                SessionKeyring = options.NoNewKeyring ? null : "_ses." + options.Id, NoPivot = options.NoPivot,
                CapLastCap = lastCap, // A mount is id-mapped (bind) or copied up (tmpfs), never both.
                DetachedMountFds = idmapped.Fds.Concat(copyUp.Fds).ToDictionary(), CgroupMount = cgroup is null ? null : CgroupMountSources.For(cgroup),
                CgroupTaskFds = join.TaskFds,
                Lsm = LsmHost.Detect(),
            };
            var builder = InitPlanCompiler.Compile(ctx, namespaces, HomeDirectory.Lookup(rootfs, process.User.Uid));
            using var plan = builder.Build(syncWrite);
            debug?.Invoke($"plan compiled: {builder.StepCount} steps, {plan.Size} bytes");

            // The cgroup namespace is unshared by the child once it is inside its cgroup (see the plan); a time
            // namespace cannot be asked of clone(2) (its flag is in the exit-signal byte): both are left out.
            long cloneFlags = namespaces.ForkFlags;
            var forChildren = namespaces.ForChildren(spec.Linux?.TimeOffsets);
            // The child starts in the rootfs's parent directory (see RootfsCompiler); we go back right after.
            Posix.Fchdir(rootfsParentFd, "unable to enter the rootfs's parent directory");
            bool bornInCgroup;
            try { pid = InitLauncher.Fork(plan, cloneFlags, forChildren, join.UnifiedFd, out bornInCgroup); }
            finally { Posix.Fchdir(ownCwd, "unable to return to the working directory"); }
            Posix.Close(syncWrite); fds.Remove(syncWrite);
            Posix.Close(goRead); fds.Remove(goRead);
            foreground?.ChildForked();
            if (seccompChild >= 0) { Posix.Close(seccompChild); fds.Remove(seccompChild); }
            if (namespaces.NeedsInitFork)
            {
                // The child forked the init into the new pid namespace and exits (see StepKind.ForkInit).
                int intermediate = pid;
                pid = -1;
                pid = InitLauncher.AwaitInitPid(syncRead, intermediate, plan.Descriptions);
            }
            debug?.Invoke($"init forked: pid {pid}");

            if (namespaces.IsNew(NamespaceTypes.User)) ParentSideLimits.WriteIdMaps(pid, spec, namespaces.SetgroupsDenied);
            // Whatever the child and the clone did not cover, the parent writes (cgroup.procs: idempotent for the rest).
            if (cgroup is not null && !join.Complete(cgroup, bornInCgroup))
                cgroup = RootlessCgroup.AddProcess(cgroup, pid, spec.Linux?.Resources, rootless, debug);
            ParentSideLimits.Apply(pid, process);
            Posix.WriteAll(goWrite, [1], "unable to release the container's init");
            int initPid = pid;
            InitLauncher.AwaitReady(syncRead, pid, plan.Descriptions, () =>
            {
                var state = HookState(spec, options.Id, bundle, initPid, Spec.ContainerStatus.Creating);
                // The validation suite (and crun) expect prestart to see "created"; the newer hooks get the spec's "creating".
                HookRunner.Run("prestart", spec.Hooks?.Prestart, HookState(spec, options.Id, bundle, initPid, Spec.ContainerStatus.Created));
                HookRunner.Run("createRuntime", spec.Hooks?.CreateRuntime, state);
                HookRunner.Run("createContainer", spec.Hooks?.CreateContainer, state, containerPid: initPid);
                Posix.WriteAll(goWrite, [1], "unable to release the container's init after its hooks");
            }, () => SeccompListener.Forward(seccompParent, spec.Linux!.Seccomp!,
                HookState(spec, options.Id, bundle, initPid, Spec.ContainerStatus.Creating)));
            debug?.Invoke("init ready");
            foreground?.ReceiveMaster();

            record.Pid = pid;
            record.PidStartTime = ProcessStat.Read(pid)?.StartTime ?? 0;
            WithCgroup(record, cgroup, cgroup?.CreatedDepths);
            store.Write(record);
            if (pidFile is not null) AtomicFile.Write(pidFile, System.Text.Encoding.ASCII.GetBytes(pid.ToString()));
            Console = foreground;
            return record;
        }
        catch
        {
            foreground?.Dispose();
            Cleanup(options.Id, pid, cgroup);
            throw;
        }
        finally
        {
            foreach (var fd in fds) Posix.Close(fd);
        }
    }

    private static ContainerRecord WithCgroup(ContainerRecord record, ICgroupManager? cgroup, IReadOnlyDictionary<string, int>? createdDepths)
    {
        record.CgroupsPath = cgroup?.Path;
        record.CgroupCreatedDepths = null;
        record.CgroupCreatedDepth = 0;
        if (cgroup is not null && createdDepths is not null)
        {
            record.CgroupCreatedDepths = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (dir, depth) in createdDepths)
            {
                record.CgroupCreatedDepths[dir] = depth;
                record.CgroupCreatedDepth = Math.Max(record.CgroupCreatedDepth, depth);
            }
        }
        record.CgroupV1 = cgroup?.Paths.V1.ToDictionary();
        record.CgroupUnified = cgroup?.Paths.Unified;
        return record;
    }

    private static bool SameDepths(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (dir, depth) in a)
            if (!b.TryGetValue(dir, out var other) || other != depth) return false;
        return true;
    }

    public static Spec.State HookState(Spec.Spec spec, string id, string bundle, int pid, string status) => new()
    {
        OciVersion = spec.OciVersion, Id = id, Status = status, Pid = pid, Bundle = bundle, Annotations = spec.Annotations,
    };

    private static Spec.Spec LoadSpec(string bundle, Action<string>? warn, out byte[] configJson)
    {
        Spec.Spec spec;
        try { spec = SpecLoader.LoadConfig(bundle, out configJson); }
        catch (SpecException e) { throw new ContainerException(e.Message); }
        var result = SpecValidator.Check(spec, bundle, requireProcess: true);
        if (!result.IsValid) throw new ContainerException(string.Join("; ", result.Errors));
        foreach (var warning in result.Warnings) warn?.Invoke(warning);
        return spec;
    }

    private static void CheckConsoleArguments(OciProcess process, CreateOptions options)
    {
        if (process.Terminal && options.ConsoleSocket is null && options.Detached)
            throw new ContainerException("cannot allocate tty if runsharp will detach without setting console socket");
        if (!process.Terminal && options.ConsoleSocket is not null)
            throw new ContainerException("cannot use console socket if runsharp will not detach or allocate tty");
    }

    private static int Track(List<int> fds, int fd)
    {
        fds.Add(fd);
        return fd;
    }

    private static int OpenDir(string path, string field)
    {
        int fd = Posix.TryOpen(path, Flags.O_PATH | Flags.O_DIRECTORY);
        if (fd < 0) throw new ContainerException($"{field}: unable to open {path}: {Errno.Message(-fd)}");
        return fd;
    }

    private void Cleanup(string id, int pid, ICgroupManager? cgroup)
    {
        if (pid > 0)
        {
            Posix.Kill(pid, Flags.SIGKILL);
            Posix.WaitPid(pid, 0);
        }
        try { cgroup?.Destroy(); }
        catch (Exception e) { debug?.Invoke($"cleanup: {e.Message}"); }
        store.Remove(id);
    }
}
