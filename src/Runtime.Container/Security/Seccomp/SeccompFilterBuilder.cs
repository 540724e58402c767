using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Security.Seccomp;

/// <summary>A filter ready to load: classic BPF instructions (8 bytes each) and seccomp(2) filter flags.</summary>
public sealed record SeccompProgram(byte[] Bpf, uint Flags)
{
    public int InstructionCount => Bpf.Length / 8;

    /// <summary>A rule uses SCMP_ACT_NOTIFY: the load returns a notify fd that goes to the listener (see <see cref="SeccompListener"/>).</summary>
    public bool Notify => (Flags & SeccompSupport.FlagNewListener) != 0;
}

/// <summary>
/// Builds <c>linux.seccomp</c> into a BPF program with libseccomp, in the parent, before the fork.
/// Semantics follow runc's, which engines rely on: syscall names libseccomp does not know are skipped;
/// a rule whose action is the default action is dropped (libseccomp refuses it); ERRNO and TRACE
/// without an errnoRet mean EPERM; several conditions on one rule must all hold, except when the same
/// argument is compared more than once, then each condition becomes its own rule (any may match).
/// The libseccomp context is released before this returns: nothing native outlives the call.
///
/// SCMP_ACT_NOTIFY (runc's rules): allowed on rules, not as the default action, and only with
/// <c>listenerPath</c>; the filter is then loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER. The init hands
/// the notify fd to the runtime with sendmsg and then write on the sync pipe, after the filter is in force:
/// a rule that notifies on either would wait for a listener that can never have the fd, so both are refused.
/// </summary>
public static unsafe class SeccompFilterBuilder
{
    private const string Root = "linux.seccomp";
    private const int BpfMaxInstructions = 4096;

    /// <summary>The program, or null when the spec has no seccomp section.</summary>
    public static SeccompProgram? Build(LinuxSeccomp? seccomp)
    {
        if (seccomp is null) return null;
        uint defaultAction = DefaultAction(seccomp);
        bool notify = CheckNotify(seccomp);
        uint flags = Flags(seccomp, notify);

        nint ctx;
        try { ctx = LibSeccomp.Init(defaultAction); }
        catch (DllNotFoundException)
        {
            throw new ContainerException($"{Root}: libseccomp.so.2 is not installed on this host");
        }
        if (ctx == 0) throw new ContainerException($"{Root}.defaultAction: libseccomp refused the action {Quote(seccomp.DefaultAction)}");
        try
        {
            // The filter must not set no_new_privs itself; we only export it, but say so anyway.
            LibSeccomp.AttrSet(ctx, LibSeccomp.AttrCtlNnp, 0);
            AddArchitectures(ctx, seccomp.Architectures);
            var syscalls = seccomp.Syscalls ?? [];
            for (int i = 0; i < syscalls.Count; i++) AddRule(ctx, syscalls[i], i, defaultAction);
            // A binary tree of syscall checks rather than a list: fewer instructions run per syscall.
            LibSeccomp.AttrSet(ctx, LibSeccomp.AttrCtlOptimize, 2);
            var bpf = Export(ctx);
            if (bpf.Length / 8 > BpfMaxInstructions)
                throw new ContainerException($"{Root}: the filter has {bpf.Length / 8} instructions, more than the kernel's limit of {BpfMaxInstructions}");
            return new SeccompProgram(bpf, flags);
        }
        finally
        {
            LibSeccomp.Release(ctx);
        }
    }

    private static uint DefaultAction(LinuxSeccomp seccomp)
    {
        if (seccomp.DefaultAction == "SCMP_ACT_NOTIFY")
            throw new ContainerException($"{Root}.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
        return SeccompSupport.Action(seccomp.DefaultAction, seccomp.DefaultErrnoRet)
            ?? throw new ContainerException($"{Root}.defaultAction: unknown action {Quote(seccomp.DefaultAction)}");
    }

    /// <summary>The syscalls the init makes, under the filter, to hand the notify fd to the runtime.</summary>
    public static readonly IReadOnlyList<string> NeededForHandOff = ["write", "sendmsg"];

    /// <summary>Whether a rule uses SCMP_ACT_NOTIFY (checked for what the hand-off needs).</summary>
    public static bool UsesNotify(LinuxSeccomp? seccomp) =>
        seccomp?.Syscalls?.Any(r => r?.Action == SeccompSupport.Notify) == true;

    private static bool CheckNotify(LinuxSeccomp seccomp)
    {
        if (!UsesNotify(seccomp)) return false;
        if (string.IsNullOrEmpty(seccomp.ListenerPath))
            throw new ContainerException($"{Root}.listenerPath: must be set when a rule uses SCMP_ACT_NOTIFY");
        var syscalls = seccomp.Syscalls!;
        for (int i = 0; i < syscalls.Count; i++)
        {
            if (syscalls[i]?.Action != SeccompSupport.Notify) continue;
            foreach (var name in syscalls[i].Names ?? [])
                if (NeededForHandOff.Contains(name))
                    throw new ContainerException($"{Root}.syscalls[{i}]: SCMP_ACT_NOTIFY cannot be used for {Quote(name)}: " +
                        "the init needs it to hand the notify fd to the runtime");
        }
        return true;
    }

    private static uint Flags(LinuxSeccomp seccomp, bool notify)
    {
        uint flags = notify ? SeccompSupport.FlagNewListener : 0;
        var names = seccomp.Flags ?? [];
        for (int i = 0; i < names.Count; i++)
        {
            if (!SeccompSupport.Flags.TryGetValue(names[i] ?? "", out uint flag))
                throw new ContainerException($"{Root}.flags[{i}]: unknown flag {Quote(names[i])}");
            // Only meaningful together with a notify listener (the kernel refuses it alone); dropped where the kernel lacks it.
            if (flag == SeccompSupport.FlagWaitKillableRecv)
            {
                if (notify && SeccompSupport.KernelAcceptsFlag(flag | SeccompSupport.FlagNewListener)) flags |= flag;
                continue;
            }
            if (!SeccompSupport.KernelAcceptsFlag(flag))
                throw new ContainerException($"{Root}.flags[{i}]: flag {Quote(names[i])} is not supported by this kernel");
            flags |= flag;
        }
        // The kernel takes TSYNC with NEW_LISTENER only as TSYNC_ESRCH (the init is single-threaded anyway).
        if (notify && (flags & SeccompSupport.FlagTsync) != 0) flags |= SeccompSupport.FlagTsyncEsrch;
        return flags;
    }

    private static void AddArchitectures(nint ctx, List<string>? archs)
    {
        if (archs is null) return;
        for (int i = 0; i < archs.Count; i++)
        {
            if (!SeccompSupport.Architectures.TryGetValue(archs[i] ?? "", out uint token))
                throw new ContainerException($"{Root}.architectures[{i}]: unknown architecture {Quote(archs[i])}");
            int r = LibSeccomp.ArchAdd(ctx, token);
            // The native architecture is always in the filter already.
            if (r < 0 && r != -Errno.EEXIST)
                throw new ContainerException($"{Root}.architectures[{i}]: unable to add {archs[i]}: {Errno.Message(-r)}");
        }
    }

    private static void AddRule(nint ctx, LinuxSyscall? rule, int index, uint defaultAction)
    {
        string path = $"{Root}.syscalls[{index}]";
        if (rule is null) throw new ContainerException($"{path}: must be an object");
        uint action = SeccompSupport.Action(rule.Action, rule.ErrnoRet)
            ?? throw new ContainerException($"{path}.action: unknown action {Quote(rule.Action)}");

        var args = rule.Args ?? [];
        var conditions = new LibSeccomp.ArgCmp[args.Count];
        bool sameArgTwice = false;
        for (int j = 0; j < args.Count; j++)
        {
            var arg = args[j] ?? throw new ContainerException($"{path}.args[{j}]: must be an object");
            if (arg.Index > 5) throw new ContainerException($"{path}.args[{j}].index: {arg.Index} is out of range (0 to 5)");
            if (!SeccompSupport.Operators.TryGetValue(arg.Op ?? "", out int op))
                throw new ContainerException($"{path}.args[{j}].op: unknown operator {Quote(arg.Op)}");
            conditions[j] = new LibSeccomp.ArgCmp { Arg = arg.Index, Op = op, DatumA = arg.Value, DatumB = arg.ValueTwo };
            for (int k = 0; k < j; k++) sameArgTwice |= conditions[k].Arg == arg.Index;
        }

        // libseccomp refuses rules that repeat the default action; they change nothing anyway.
        if (action == defaultAction) return;

        var names = rule.Names ?? [];
        for (int n = 0; n < names.Count; n++)
        {
            string name = names[n] ?? "";
            int nr = LibSeccomp.SyscallResolveName(name);
            if (nr == LibSeccomp.NrScmpError) continue; // unknown to libseccomp (or to every arch): skipped, as runc does
            if (!sameArgTwice)
            {
                Add(ctx, action, nr, conditions, path, name);
            }
            else
            {
                for (int j = 0; j < conditions.Length; j++) Add(ctx, action, nr, conditions.AsSpan(j, 1), path, name);
            }
        }
    }

    private static void Add(nint ctx, uint action, int nr, ReadOnlySpan<LibSeccomp.ArgCmp> conditions, string path, string name)
    {
        int r;
        fixed (LibSeccomp.ArgCmp* c = conditions)
            r = LibSeccomp.RuleAddArray(ctx, action, nr, (uint)conditions.Length, c);
        if (r < 0) throw new ContainerException($"{path}: unable to add the rule for {Quote(name)}: {Errno.Message(-r)}");
    }

    /// <summary>seccomp_export_bpf writes to an fd: a memfd, read back from the start.</summary>
    private static byte[] Export(nint ctx)
    {
        long fd;
        fixed (byte* name = "runsharp-seccomp\0"u8)
            fd = RawSyscall.Invoke(Sys.memfd_create, (long)name, 1 /* MFD_CLOEXEC */);
        if (fd < 0) throw new ContainerException($"{Root}: unable to create a memfd for the filter: {Errno.Message((int)-fd)}");
        try
        {
            int r = LibSeccomp.ExportBpf(ctx, (int)fd);
            if (r < 0) throw new ContainerException($"{Root}: unable to export the filter: {Errno.Message(-r)}");
            long size = RawSyscall.Invoke(Sys.lseek, fd, 0, 1 /* SEEK_CUR */);
            if (size < 0 || RawSyscall.Invoke(Sys.lseek, fd, 0, 0 /* SEEK_SET */) < 0)
                throw new ContainerException($"{Root}: unable to read the exported filter: {Errno.Message((int)-size)}");
            var bytes = new byte[size];
            int done = 0;
            while (done < bytes.Length)
            {
                long n;
                fixed (byte* p = bytes) n = RawSyscall.Invoke(Sys.read, fd, (long)(p + done), bytes.Length - done);
                if (n == -4 /* EINTR */) continue;
                if (n <= 0) throw new ContainerException($"{Root}: unable to read the exported filter: {(n == 0 ? "short read" : Errno.Message((int)-n))}");
                done += (int)n;
            }
            if (bytes.Length == 0 || bytes.Length % 8 != 0)
                throw new ContainerException($"{Root}: libseccomp exported a malformed program ({bytes.Length} bytes)");
            return bytes;
        }
        finally
        {
            RawSyscall.Invoke(Sys.close, fd);
        }
    }

    private static string Quote(string? s) => "\"" + (s ?? "") + "\"";
}
