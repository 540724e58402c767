using Runsharp.Container.Process.Plan;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using RawSyscall = Runsharp.Linux.Native.RawSyscall;
using Runsharp.Spec;

namespace Runsharp.Container.Namespaces;

/// <summary>
/// Which namespaces the container gets new (clone flags) and which it joins (fds opened and type-checked
/// before the fork). The child joins by setns; a pid namespace is joined by the parent around clone,
/// because setns(CLONE_NEWPID) only affects children.
/// A user namespace joined by path must own the namespaces the container creates (as runc orders it), so then
/// clone makes none: the child joins the user namespace first and unshares the others itself, and a new pid
/// namespace gets its init from one more fork in the child (<see cref="NeedsInitFork"/>).
/// </summary>
public sealed class NamespaceSetup : IDisposable
{
    /// <summary>
    /// Joined in the child by setns, in this order (pid is joined around the clone instead). A time namespace can
    /// be joined here because the child is single-threaded, which the kernel requires for setns(CLONE_NEWTIME).
    /// </summary>
    private static readonly string[] JoinOrder =
        [NamespaceTypes.User, NamespaceTypes.Ipc, NamespaceTypes.Uts, NamespaceTypes.Network, NamespaceTypes.Cgroup,
         NamespaceTypes.Time, NamespaceTypes.Mount];

    public long CloneFlags { get; private init; }
    public Dictionary<string, int> JoinFds { get; } = new();
    public bool Has(string type) => (CloneFlags & NamespaceKinds.CloneFlag(type)) != 0 || JoinFds.ContainsKey(type);
    public bool IsNew(string type) => (CloneFlags & NamespaceKinds.CloneFlag(type)) != 0;
    public bool JoinsUser => JoinFds.ContainsKey(NamespaceTypes.User);

    /// <summary>
    /// The new user namespace is set up by an unprivileged runtime: "deny" goes to its setgroups file (the kernel
    /// requires it before an unprivileged gid_map), so the child must not call setgroups. Set by the caller.
    /// </summary>
    public bool SetgroupsDenied { get; set; }

    /// <summary>The child forks the init (a new pid namespace must be owned by the joined user namespace).</summary>
    public bool NeedsInitFork => JoinsUser && IsNew(NamespaceTypes.Pid);

    /// <summary>
    /// Flags for the clone that makes the child. Cgroup and time are never among them (see CreateOperation); with
    /// a joined user namespace none are, since the child must be in that user namespace before it makes any.
    /// </summary>
    public long ForkFlags => JoinsUser ? 0 : CloneFlags & ~(Flags.CLONE_NEWCGROUP | Flags.CLONE_NEWTIME);

    /// <summary>
    /// With a user namespace joined by path: setns into it, fork the init into a new pid namespace if one is asked
    /// for, then unshare the other new namespaces (cgroup stays for later: see InitPlanCompiler) and make a new time
    /// namespace (<see cref="CompileOwnTimeNamespace"/>). Nothing otherwise.
    /// </summary>
    public void CompileUserJoin(PlanBuilder plan, IReadOnlyDictionary<string, LinuxTimeOffset>? offsets)
    {
        if (!JoinFds.TryGetValue(NamespaceTypes.User, out int fd)) return;
        plan.Syscall("unable to join the user namespace (linux.namespaces)", Sys.setns, fd, Flags.CLONE_NEWUSER);
        if (NeedsInitFork)
            plan.Step("unable to fork the init into a new pid namespace owned by the joined user namespace (linux.namespaces)",
                StepKind.ForkInit, Flags.CLONE_NEWPID);
        long rest = CloneFlags & ~(Flags.CLONE_NEWPID | Flags.CLONE_NEWCGROUP | Flags.CLONE_NEWTIME);
        if (rest != 0)
            plan.Syscall("unable to create namespaces in the joined user namespace (linux.namespaces)", Sys.unshare, rest);
        if (IsNew(NamespaceTypes.Time)) CompileOwnTimeNamespace(plan, offsets);
    }

    /// <summary>
    /// A new time namespace made by the child itself, so that the joined user namespace owns it: unshare (which only
    /// points the child's future children at it), the offsets written while nobody is in it yet, then setns into its
    /// own time_for_children, which the kernel allows a single-threaded process. /proc is still the runtime's here.
    /// </summary>
    private static void CompileOwnTimeNamespace(PlanBuilder plan, IReadOnlyDictionary<string, LinuxTimeOffset>? offsets)
    {
        plan.Syscall("unable to create a time namespace in the joined user namespace (linux.namespaces)", Sys.unshare, Flags.CLONE_NEWTIME);
        if (offsets is { Count: > 0 })
        {
            var text = System.Text.Encoding.ASCII.GetBytes(OffsetLines(offsets));
            var file = plan.NewSlot();
            plan.Syscall("unable to open /proc/self/timens_offsets (linux.timeOffsets)", Sys.openat, Flags.AT_FDCWD,
                plan.String("/proc/self/timens_offsets"), Flags.O_WRONLY | Flags.O_CLOEXEC, result: file);
            // One write: the kernel takes every line of it, and no second write is allowed once a process is inside.
            plan.Syscall("unable to set the time offsets (linux.timeOffsets)", Sys.write, file, plan.Bytes(text), text.Length);
            plan.Syscall("close", Sys.close, file);
        }
        var ns = plan.NewSlot();
        plan.Syscall("unable to open the new time namespace (linux.namespaces)", Sys.openat, Flags.AT_FDCWD,
            plan.String("/proc/self/ns/time_for_children"), Flags.O_RDONLY | Flags.O_CLOEXEC, result: ns);
        plan.Syscall("unable to enter the new time namespace (linux.namespaces)", Sys.setns, ns, Flags.CLONE_NEWTIME);
        plan.Syscall("close", Sys.close, ns);
    }

    /// <summary>timens_offsets' lines ("CLOCK SECS NANOSECS"); only the monotonic and boot clocks can be offset.</summary>
    private static string OffsetLines(IReadOnlyDictionary<string, LinuxTimeOffset> offsets)
    {
        var lines = new System.Text.StringBuilder();
        foreach (var (clock, offset) in offsets)
        {
            if (clock is not ("monotonic" or "boottime"))
                throw new ContainerException($"linux.timeOffsets[\"{clock}\"]: only monotonic and boottime can be offset");
            lines.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{clock} {offset.Secs} {offset.Nanosecs}\n"));
        }
        return lines.ToString();
    }

    public static NamespaceSetup Open(IReadOnlyList<LinuxNamespace>? namespaces)
    {
        long flags = 0;
        var setup = new NamespaceSetup();
        try
        {
            for (int i = 0; i < (namespaces?.Count ?? 0); i++)
            {
                var ns = namespaces![i];
                long flag = NamespaceKinds.CloneFlag(ns.Type);
                string field = $"linux.namespaces[{i}]";
                if (flag == 0) throw new ContainerException($"{field}.type: unknown namespace type \"{ns.Type}\"");
                if (setup.JoinFds.ContainsKey(ns.Type) || (flags & flag) != 0)
                    throw new ContainerException($"{field}.type: namespace \"{ns.Type}\" is listed twice");
                if (string.IsNullOrEmpty(ns.Path)) { flags |= flag; continue; }
                int fd = Posix.TryOpen(ns.Path, Flags.O_RDONLY);
                if (fd < 0) throw new ContainerException($"{field}.path: unable to open {ns.Path}: {Errno.Message(-fd)}");
                setup.JoinFds[ns.Type] = fd;
                long actual = Posix.NamespaceType(fd);
                if (actual < 0) throw new ContainerException($"{field}.path: {ns.Path} is not a namespace file: {Errno.Message((int)-actual)}");
                if (actual != flag) throw new ContainerException($"{field}.path: {ns.Path} is not a {ns.Type} namespace");
            }
        }
        catch
        {
            setup.Dispose();
            throw;
        }
        return new NamespaceSetup { CloneFlags = flags }.Adopt(setup);
    }

    private NamespaceSetup Adopt(NamespaceSetup other)
    {
        foreach (var (k, v) in other.JoinFds) JoinFds[k] = v;
        other.JoinFds.Clear();
        return this;
    }

    /// <summary>The child's setns steps, mount namespace last (a user namespace is joined earlier: <see cref="CompileUserJoin"/>).</summary>
    public void CompileJoins(PlanBuilder plan)
    {
        foreach (var type in JoinOrder)
        {
            if (type == NamespaceTypes.User || !JoinFds.TryGetValue(type, out int fd)) continue;
            plan.Syscall($"unable to join the {type} namespace (linux.namespaces)", Sys.setns, fd, NamespaceKinds.CloneFlag(type));
        }
    }

    /// <summary>
    /// Namespaces that take effect for children only, as fds for <see cref="Process.InitLauncher.Fork"/>: a joined
    /// pid namespace. A new time namespace is made here (its offsets must be written before any process is in it);
    /// a joined one is entered by the child (<see cref="CompileJoins"/>).
    /// </summary>
    public List<(int Fd, long Flag)> ForChildren(IReadOnlyDictionary<string, LinuxTimeOffset>? offsets)
    {
        var list = new List<(int, long)>();
        if (JoinFds.TryGetValue(NamespaceTypes.Pid, out int pid)) list.Add((pid, Flags.CLONE_NEWPID));
        // With a joined user namespace the child makes it (CompileUserJoin), so that namespace owns it.
        if (IsNew(NamespaceTypes.Time)) { if (!JoinsUser) NewTimeNamespace(offsets); }
        else if (offsets is { Count: > 0 }) throw new ContainerException("linux.timeOffsets: needs a new time namespace");
        return list;
    }

    /// <summary>
    /// unshare(CLONE_NEWTIME) changes only where this thread's children go; the kernel refuses setns into a time
    /// namespace from a multi-threaded process, so this thread stays pointed at the new namespace: it is only
    /// used for this create's children (the init, and hooks, which then share the container's clocks).
    /// </summary>
    private static void NewTimeNamespace(IReadOnlyDictionary<string, LinuxTimeOffset>? offsets)
    {
        string lines = offsets is { Count: > 0 } ? OffsetLines(offsets) : "";
        if (RawSyscall.Invoke(Sys.unshare, Flags.CLONE_NEWTIME) is long r and < 0)
            throw new ContainerException($"unable to create a time namespace (linux.namespaces): {Errno.Message((int)-r)}");
        // Per process, not per thread: this is the main thread, the thread-group leader.
        if (lines.Length > 0)
        {
            try { File.WriteAllText("/proc/self/timens_offsets", lines); }
            catch (IOException e) { throw new ContainerException($"unable to set the time offsets (linux.timeOffsets): {e.Message}"); }
        }
    }

    public void Dispose()
    {
        foreach (var fd in JoinFds.Values) Posix.Close(fd);
        JoinFds.Clear();
    }
}
