using System.Runtime.InteropServices;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Flags = Runsharp.Linux.Native.Flags;
using Nr = Runsharp.Linux.Native.Sys;

namespace Runsharp.Container.Tests;

/// <summary>
/// The child's interpreter run against <see cref="FakeKernel"/> with a plan compiled from a realistic spec:
/// it allocates nothing, it makes the calls of the pipeline in the order the design needs, every fd it
/// opens is closed before execve, and a failure leaves as exactly one sync record and exit_group.
/// </summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class ChildExecutorTests : IDisposable
{
    private readonly RealisticPlan _p = new();

    public void Dispose() => _p.Dispose();

    private Call[] RunOnce(out int result)
    {
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        result = ChildExecutor.Run(_p.Header);
        Assert.Equal(0, FakeKernel.Overflow);
        return FakeKernel.Recorded();
    }

    private int StepIndex(Func<int, bool> predicate)
    {
        var d = _p.Plan.Descriptions;
        for (int i = 0; i < d.Count; i++) if (predicate(i)) return i;
        throw new Xunit.Sdk.XunitException("no such step");
    }

    // ------------------------------------------------------------------ allocation

    [Fact]
    public void Run_AllocatesNothing_OnceWarm()
    {
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        Assert.Equal(0, ChildExecutor.Run(_p.Header)); // JIT and static initialisation happen here
        int warmCalls = FakeKernel.Count;

        long before = GC.GetAllocatedBytesForCurrentThread();
        int r = 0;
        for (int i = 0; i < 5; i++)
        {
            FakeKernel.Reset();
            r |= ChildExecutor.Run(_p.Header);
        }
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, r);
        Assert.Equal(before, after);
        // The measured runs did the whole plan, not an early exit.
        Assert.Equal(warmCalls, FakeKernel.Count);
        Assert.True(warmCalls > 200, $"only {warmCalls} calls: the plan is not realistic");
        Assert.Equal(Nr.execve, FakeKernel.Recorded()[^1].Nr);
    }

    [Fact]
    public void Run_FailurePath_AllocatesNothing_OnceWarm()
    {
        int step = StepIndex(i => _p.Plan.Descriptions[i].StartsWith("unable to set the hostname", StringComparison.Ordinal));
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        FakeKernel.FailOnce(Nr.sethostname, -1);
        Assert.Equal(1, ChildExecutor.Run(_p.Header));

        long before = GC.GetAllocatedBytesForCurrentThread();
        FakeKernel.Reset();
        FakeKernel.FailOnce(Nr.sethostname, -1);
        int r = ChildExecutor.Run(_p.Header);
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(1, r);
        Assert.Equal(before, after);
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(step, rec.Step);
    }

    // ------------------------------------------------------------------ order

    [Fact]
    public void Run_Handshake_ClosesParentEnds_ThenWaitsForGo_BeforeAnySetup()
    {
        var calls = RunOnce(out int r);
        Assert.Equal(0, r);
        int go = Array.FindIndex(calls, c => c.Nr == Nr.read && c.A0 == RealisticPlan.GoReadFd);
        Assert.Equal(
            [
                new Call(Nr.close, RealisticPlan.SyncReadFd, 0, 0, 0, 0, 0),
                new Call(Nr.close, RealisticPlan.GoWriteFd, 0, 0, 0, 0, 0),
                new Call(Nr.close, RealisticPlan.LockFd, 0, 0, 0, 0, 0),
                new Call(Nr.prctl, Flags.PR_SET_PDEATHSIG, Flags.SIGKILL, 0, 0, 0, 0),
            ],
            calls[..go]);
        Assert.Equal(1, calls[go].A2);
        Assert.Equal(new Call(Nr.close, RealisticPlan.GoReadFd, 0, 0, 0, 0, 0), calls[go + 1]);
        Assert.Equal(new Call(Nr.prctl, Flags.PR_SET_DUMPABLE, 0, 0, 0, 0, 0), calls[go + 2]);
        Assert.Equal(Nr.prctl, calls[go + 3].Nr);
        Assert.Equal(Flags.PR_SET_NAME, calls[go + 3].A0);
        Assert.Equal("runsharp:[INIT]", calls[go + 3].S(1));
        Assert.Equal(new Call(Nr.umask, 0, 0, 0, 0, 0, 0), calls[go + 4]);
    }

    [Fact]
    public void Run_CallsComeInPipelineOrder()
    {
        var calls = RunOnce(out _);
        int Index(Func<Call, bool> f, string what)
        {
            int i = Array.FindIndex(calls, c => f(c));
            Assert.True(i >= 0, $"no {what} call");
            return i;
        }
        int LastIndex(Func<Call, bool> f) => Array.FindLastIndex(calls, c => f(c));

        int goRead = Index(c => c.Nr == Nr.read && c.A0 == RealisticPlan.GoReadFd, "go read");
        int slaveRoot = Index(c => c.Nr == Nr.mount && c.S(1) == "/" && c.A3 == (Flags.MS_SLAVE | Flags.MS_REC), "rootfs propagation");
        int firstMount = Index(c => c.Nr == Nr.mount, "mount");
        int procMount = Index(c => c.Nr == Nr.mount && c.S(2) == "proc", "proc mount");
        int pivot = Index(c => c.Nr == Nr.pivot_root, "pivot_root");
        int hostname = Index(c => c.Nr == Nr.sethostname, "sethostname");
        int domain = Index(c => c.Nr == Nr.setdomainname, "setdomainname");
        int firstBoundingDrop = Index(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_CAPBSET_DROP, "bounding drop");
        int lastBoundingDrop = LastIndex(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_CAPBSET_DROP);
        int keepCaps = Index(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_SET_KEEPCAPS && c.A1 == 1, "keepcaps 1");
        int setgroups = Index(c => c.Nr == Nr.setgroups, "setgroups");
        int setgid = Index(c => c.Nr == Nr.setresgid && c.A0 == RealisticPlan.Gid, "setresgid");
        int setuid = Index(c => c.Nr == Nr.setresuid && c.A0 == RealisticPlan.Uid, "setresuid");
        int unkeepCaps = Index(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_SET_KEEPCAPS && c.A1 == 0, "keepcaps 0");
        int capset = Index(c => c.Nr == Nr.capset, "capset");
        int ambient = Index(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_CAP_AMBIENT && c.A1 == Flags.PR_CAP_AMBIENT_RAISE, "ambient raise");
        int umask = LastIndex(c => c.Nr == Nr.umask);
        int nnp = Index(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_SET_NO_NEW_PRIVS, "no_new_privs");
        int resolve = Index(c => c.Nr == Nr.newfstatat, "newfstatat");
        int closeRange = Index(c => c.Nr == Nr.close_range, "close_range");
        int noDeathSig = Index(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_SET_PDEATHSIG && c.A1 == 0, "pdeathsig 0");
        int ready = Index(c => c.Nr == Nr.write && c.A0 == RealisticPlan.SyncWriteFd, "ready write");
        int firstSigaction = Index(c => c.Nr == Nr.rt_sigaction, "rt_sigaction");
        int sigmask = Index(c => c.Nr == Nr.rt_sigprocmask, "rt_sigprocmask");
        int fifo = Index(c => c.Nr == Nr.read && c.A0 == RealisticPlan.ExecFifoFd, "exec.fifo read");
        int execve = Index(c => c.Nr == Nr.execve, "execve");

        Assert.True(goRead < firstMount, "setup began before the parent's go");
        Assert.Equal(slaveRoot, firstMount); // nothing is mounted before / stops propagating to the host
        Assert.True(procMount < pivot);
        Assert.True(pivot < hostname, "hostname set before pivot_root");
        Assert.True(hostname < domain && domain < capset, "sethostname/setdomainname must precede capset");
        Assert.True(lastBoundingDrop < setgroups && firstBoundingDrop > pivot, "bounding set dropped while privileged");
        Assert.True(keepCaps < setgroups && setgroups < setgid && setgid < setuid && setuid < unkeepCaps,
            "keepcaps, setgroups, setresgid, setresuid, keepcaps 0 out of order");
        Assert.True(setuid < capset && capset < ambient, "capset must follow the user switch");
        Assert.True(ambient < umask && umask < nnp && nnp < resolve);
        Assert.True(resolve < closeRange && closeRange < noDeathSig && noDeathSig < ready, "close_range / pdeathsig 0 must precede Ready");
        Assert.True(ready < firstSigaction && sigmask < fifo && fifo < execve);
        Assert.Equal(calls.Length - 1, execve); // execve is the last call

        // Masked and read-only paths are handled in the new root, after pivot_root and the old root's detach.
        int detach = Index(c => c.Nr == Nr.umount2 && c.A1 == Flags.MNT_DETACH, "umount2");
        Assert.True(pivot < detach);
        var postPivotMounts = calls.Select((c, i) => (c, i)).Where(x => x.c.Nr == Nr.mount && x.i > detach).ToList();
        // Each masked file gets the null device bound from an fd: /dev/null opened with no symlink allowed,
        // fstat'ed (checked to be char 1:3), then mounted from /proc/self/fd/N; never by its path.
        var nullOpens = calls.Select((c, i) => (c, i))
            .Where(x => x.c.Nr == Nr.openat2 && x.c.S(1) == "/dev/null" && x.c.OpenHow[2] == (Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_SYMLINKS))
            .ToList();
        Assert.Equal(_p.Spec.Linux!.MaskedPaths!.Count, nullOpens.Count);
        Assert.All(nullOpens, x => Assert.True(x.i > detach, "masking before the old root is gone"));
        Assert.All(nullOpens, x => Assert.Equal(Nr.fstat, calls[x.i + 1].Nr));
        Assert.Equal(_p.Spec.Linux!.MaskedPaths!.Count, postPivotMounts.Count(x => x.c.A3 == Flags.MS_BIND && x.c.S(0)!.StartsWith("/proc/self/fd/", StringComparison.Ordinal) && x.c.S(0) != x.c.S(1)));
        Assert.Equal(0, calls.Count(c => c.Nr == Nr.mount && c.S(0) == "/dev/null"));
    }

    [Fact]
    public void Run_Arguments_ComeFromTheSpec()
    {
        var calls = RunOnce(out _);
        var hostname = calls.Single(c => c.Nr == Nr.sethostname);
        Assert.Equal("fake-host", hostname.S(0));
        Assert.Equal(9, hostname.A1);

        var setgroups = calls.Single(c => c.Nr == Nr.setgroups);
        Assert.Equal(RealisticPlan.ExtraGids.Length, setgroups.A0);
        Assert.Equal(RealisticPlan.ExtraGids, new ReadOnlySpan<uint>((void*)setgroups.A1, (int)setgroups.A0).ToArray());
        Assert.Contains(new Call(Nr.setresgid, RealisticPlan.Gid, RealisticPlan.Gid, RealisticPlan.Gid, 0, 0, 0), calls);
        Assert.Contains(new Call(Nr.setresuid, RealisticPlan.Uid, RealisticPlan.Uid, RealisticPlan.Uid, 0, 0, 0), calls);
        Assert.Equal(0x3f, calls.Last(c => c.Nr == Nr.umask).A0);

        // Bounding set: every cap up to cap_last_cap except the three of the template is dropped.
        var dropped = calls.Where(c => c.Nr == Nr.prctl && c.A0 == Flags.PR_CAPBSET_DROP).Select(c => c.A1).ToList();
        Assert.Equal(41 - 3, dropped.Count);
        Assert.DoesNotContain(10L, dropped); // CAP_NET_BIND_SERVICE
        // capset: v3 header, effective = permitted = {AUDIT_WRITE(29), KILL(5), NET_BIND_SERVICE(10)}, inheritable = {10}.
        var capset = calls.Single(c => c.Nr == Nr.capset);
        Assert.Equal(0x20080522u, *(uint*)capset.A0);
        uint* data = (uint*)capset.A1;
        uint caps = (1u << 29) | (1u << 5) | (1u << 10);
        Assert.Equal([caps, caps, 1u << 10, 0, 0, 0], new ReadOnlySpan<uint>(data, 6).ToArray());
        Assert.Contains(new Call(Nr.prctl, Flags.PR_CAP_AMBIENT, Flags.PR_CAP_AMBIENT_RAISE, 10, 0, 0, 0), calls);

        // Devices: mknodat with glibc's dev_t and the spec's mode, in the right directory, then fchownat.
        var fuse = calls.Single(c => c.Nr == Nr.mknodat && c.S(1) == "fuse");
        Assert.Equal(Flags.S_IFCHR | 0x1b6, fuse.A2);
        Assert.Equal((10L << 8) | 229, fuse.A3);
        var sda = calls.Single(c => c.Nr == Nr.mknodat && c.S(1) == "sda");
        Assert.Equal(Flags.S_IFBLK | 0x1a0, sda.A2);
        Assert.Equal(8L << 8, sda.A3);
        Assert.Contains(calls, c => c.Nr == Nr.mkdirat && c.S(1) == "disks");
        Assert.Contains(calls, c => c.Nr == Nr.mknodat && c.S(1) == "null" && c.A3 == 259);

        // The tmpfs mount carries its flags and data; its rprivate is applied by a second call on the same target.
        var tmpfs = calls.Single(c => c.Nr == Nr.mount && c.S(2) == "tmpfs" && c.S(4)?.Contains("size=1m") == true);
        Assert.Equal(Flags.MS_NOSUID | Flags.MS_NODEV, tmpfs.A3);
        Assert.Equal("mode=1777,size=1m", tmpfs.S(4));
        Assert.Contains(calls, c => c.Nr == Nr.mount && c.A0 == 0 && c.A3 == (Flags.MS_PRIVATE | Flags.MS_REC));

        // The read-only bind: MS_BIND|MS_REC first, then a remount adding ro and nosuid.
        var bind = calls.Single(c => c.Nr == Nr.mount && c.S(0)?.EndsWith("/data", StringComparison.Ordinal) == true);
        Assert.Equal(Flags.MS_BIND | Flags.MS_REC, bind.A3);
        Assert.Contains(calls, c => c.Nr == Nr.mount && c.A0 == 0 &&
            c.A3 == (Flags.MS_BIND | Flags.MS_REMOUNT | Flags.MS_RDONLY | Flags.MS_NOSUID));
        // A file bind mount creates its target as a file, not a directory.
        Assert.Contains(calls, c => c.Nr == Nr.openat && c.S(1) == "hosts" && (c.A2 & Flags.O_CREAT) != 0);

        // exec: first candidate on the spec's PATH, argv as given, env plus HOME.
        var execve = calls[^1];
        Assert.Equal("/usr/local/sbin/true", execve.S(0));
        Assert.Equal(["true", "--flag"], FakeKernel.StrArray(execve.A1));
        Assert.Equal([.. _p.Spec.Process!.Env!, "HOME=/home/app"], FakeKernel.StrArray(execve.A2));
        Assert.Equal("/usr/local/sbin/true", calls.Single(c => c.Nr == Nr.newfstatat).S(1));
        Assert.Equal(new Call(Nr.close_range, 3, uint.MaxValue, Flags.CLOSE_RANGE_CLOEXEC, 0, 0, 0), calls.Single(c => c.Nr == Nr.close_range));

        // Exactly one Ready record before the exec.
        var written = FakeKernel.SyncWritten();
        Assert.Equal(16, written.Length);
        Assert.Equal(SyncRecord.Ready, MemoryMarshal.Read<SyncRecord>(written).Kind);
        // Every signal but KILL and STOP goes back to SIG_DFL.
        var sigs = calls.Where(c => c.Nr == Nr.rt_sigaction).Select(c => c.A0).ToList();
        Assert.Equal(Enumerable.Range(1, 64).Where(s => s is not (9 or 19)).Select(s => (long)s), sigs);
    }

    /// <summary>
    /// Slots carry fds from the open that made them to the steps that use them: every mount target is
    /// /proc/self/fd/N of an fd that is open at that moment, every close closes an open fd, and no fd the
    /// child opened is still open at execve.
    /// </summary>
    [Fact]
    public void Run_Fds_FlowThroughSlots_AndNoneLeaks()
    {
        var calls = RunOnce(out _);
        var inherited = new HashSet<long> { RealisticPlan.SyncReadFd, RealisticPlan.GoWriteFd, RealisticPlan.LockFd, RealisticPlan.GoReadFd };
        var open = new HashSet<long>();
        long next = FakeKernel.FirstFd;
        long rootFd = -1;
        bool pivoted = false;
        for (int i = 0; i < calls.Length; i++)
        {
            var c = calls[i];
            string at = $"call {i}: {c}";
            switch (c.Nr)
            {
                case Nr.open or Nr.openat or Nr.openat2:
                    if (c.Nr == Nr.openat && c.A0 == Flags.AT_FDCWD && rootFd < 0) rootFd = next;
                    // Before pivot_root, everything in the rootfs is resolved from the root fd, inside it.
                    if (c.Nr == Nr.openat2)
                    {
                        // After pivot_root: from the new root (AT_FDCWD, or an fd on "/" such as the cwd's lookup uses).
                        Assert.True(pivoted ? c.A0 == Flags.AT_FDCWD || open.Contains(c.A0) : c.A0 == rootFd || open.Contains(c.A0), at);
                        var how = c.OpenHow;
                        // Always inside the root; /dev/null for masking is opened refusing every symlink.
                        Assert.Contains(how[2], new[] { Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_MAGICLINKS, Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_SYMLINKS });
                        Assert.True((how[0] & Flags.O_CLOEXEC) != 0, at);
                        Assert.Equal(24, c.A3);
                    }
                    else if (c.Nr == Nr.openat && c.A0 != Flags.AT_FDCWD) Assert.True(open.Contains(c.A0), at);
                    open.Add(next++);
                    break;
                case Nr.close:
                    if (!inherited.Remove(c.A0)) Assert.True(open.Remove(c.A0), $"closes an fd that is not open: {at}");
                    break;
                case Nr.mount:
                    var target = c.S(1)!;
                    if (target.StartsWith("/proc/self/fd/", StringComparison.Ordinal))
                        Assert.True(open.Contains(long.Parse(target[14..])), $"mount onto a closed fd: {at}");
                    else Assert.True(target is "/" or "." || target == Path.GetFileName(_p.Spec.Root!.Path) || target == "rootfs", $"mount onto a path string: {at}");
                    break;
                case Nr.mkdirat or Nr.mknodat or Nr.fchownat or Nr.unlinkat or Nr.symlinkat:
                    long dirfd = c.Nr == Nr.symlinkat ? c.A1 : c.A0;
                    Assert.True(dirfd == rootFd || open.Contains(dirfd), $"*at call on an fd that is not open: {at}");
                    break;
                case Nr.fchdir:
                    // Into the rootfs before pivot_root; into process.cwd (opened in the new root) after it.
                    if (pivoted) Assert.True(open.Contains(c.A0), $"fchdir to an fd that is not open: {at}");
                    else Assert.Equal(rootFd, c.A0);
                    break;
                case Nr.pivot_root:
                    pivoted = true;
                    break;
                case Nr.execve:
                    Assert.Empty(open);
                    Assert.Empty(inherited);
                    break;
            }
        }
        Assert.True(rootFd >= FakeKernel.FirstFd);
        Assert.True(pivoted);
    }

    [Fact]
    public void Run_RetriesEintr()
    {
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        Assert.Equal(0, ChildExecutor.Run(_p.Header));
        int plain = FakeKernel.Count;

        FakeKernel.Reset();
        FakeKernel.InterruptFirst(Nr.mount, 3);
        Assert.Equal(0, ChildExecutor.Run(_p.Header));
        Assert.Equal(plain + 3, FakeKernel.Count);
        Assert.Empty(FakeKernel.SyncWritten().Skip(16));
    }

    // ------------------------------------------------------------------ failures

    [Fact]
    public void FailedMount_WritesOneErrorRecord_AndExits1_AndTheParentNamesTheField()
    {
        // The mount(2) step of mounts[0] (proc): its first argument is its own "proc" string in the arena.
        int step = StepIndex(i => _p.Plan.Descriptions[i].EndsWith("(mounts[0])", StringComparison.Ordinal) &&
                                  _p.Header->Steps[i].Kind == StepKind.Syscall && _p.Header->Steps[i].Nr == Nr.mount);
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        FakeKernel.FailOnce(Nr.mount, -13, a0: _p.Header->Steps[step].Args[0]);
        int r = ChildExecutor.Run(_p.Header);
        var calls = FakeKernel.Recorded();

        Assert.Equal(13, r);
        var written = FakeKernel.SyncWritten();
        Assert.Equal(16, written.Length);
        var rec = MemoryMarshal.Read<SyncRecord>(written);
        Assert.Equal(new SyncRecord { Kind = SyncRecord.Error, Step = step, Errno = 13, Aux = 0 }, rec);

        // The failing mount, the record, exit_group(1): nothing after.
        Assert.Equal(Nr.mount, calls[^3].Nr);
        Assert.Equal("proc", calls[^3].S(0));
        Assert.Equal(Nr.write, calls[^2].Nr);
        Assert.Equal(RealisticPlan.SyncWriteFd, calls[^2].A0);
        Assert.Equal(16, calls[^2].A2);
        Assert.Equal(new Call(Nr.exit_group, 1, 0, 0, 0, 0, 0), calls[^1]);
        Assert.DoesNotContain(calls, c => c.Nr is Nr.pivot_root or Nr.execve);

        string message = InitLauncher.Describe(rec, _p.Plan.Descriptions);
        Assert.Equal("unable to mount proc on /proc (mounts[0]): permission denied", message);
    }

    [Fact]
    public void FailedIgnorableErrno_IsNotAFailure()
    {
        // mkdirat EEXIST is tolerated inside MkdirAllInRoot; symlinkat EEXIST via the step's IgnoreErrno.
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        FakeKernel.FailOnce(Nr.symlinkat, -17);
        Assert.Equal(0, ChildExecutor.Run(_p.Header));
        Assert.Equal(SyncRecord.Ready, MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten()).Kind);

        FakeKernel.Reset();
        FakeKernel.FailOnce(Nr.mkdirat, -17);
        Assert.Equal(0, ChildExecutor.Run(_p.Header));
    }

    [Fact]
    public void ParentGone_BeforeGo_IsReportedAsBrokenPipe()
    {
        int step = StepIndex(i => _p.Header->Steps[i].Kind == StepKind.ReadByte && _p.Header->Steps[i].Args[0] == RealisticPlan.GoReadFd);
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        FakeKernel.FailOnce(Nr.read, 0, a0: RealisticPlan.GoReadFd); // end of file
        Assert.Equal(32, ChildExecutor.Run(_p.Header));
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(new SyncRecord { Kind = SyncRecord.Error, Step = step, Errno = 32 }, rec);
        Assert.Equal("the runtime went away before the container was set up: broken pipe", InitLauncher.Describe(rec, _p.Plan.Descriptions));
        Assert.Equal(new Call(Nr.exit_group, 1, 0, 0, 0, 0, 0), FakeKernel.Recorded()[^1]);
    }

    [Fact]
    public void ProgramNotOnPath_IsReportedWithAuxNotInPath()
    {
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        FakeKernel.StatResult = -2;
        Assert.Equal(2, ChildExecutor.Run(_p.Header));
        var calls = FakeKernel.Recorded();
        // Every $PATH entry was tried, in order.
        Assert.Equal(
            ["/usr/local/sbin/true", "/usr/local/bin/true", "/usr/sbin/true", "/usr/bin/true", "/sbin/true", "/bin/true"],
            calls.Where(c => c.Nr == Nr.newfstatat).Select(c => c.S(1)));
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(SyncRecord.Error, rec.Kind);
        Assert.Equal(SyncRecord.AuxNotInPath, rec.Aux);
        Assert.Equal("exec: \"true\": executable file not found in $PATH", InitLauncher.Describe(rec, _p.Plan.Descriptions));
        Assert.DoesNotContain(calls, c => c.Nr is Nr.execve or Nr.close_range);
    }

    [Fact]
    public void ProgramIsADirectory_IsPermissionDenied()
    {
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        FakeKernel.StatMode = Flags.S_IFDIR | 0x1ed;
        Assert.Equal(13, ChildExecutor.Run(_p.Header));
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(13, rec.Errno);
        Assert.Equal(0, rec.Aux);
        Assert.Equal("exec: \"true\": permission denied", InitLauncher.Describe(rec, _p.Plan.Descriptions));
    }

    [Theory]
    [InlineData(-2, 127)]  // ENOENT: not found
    [InlineData(-8, 126)]  // ENOEXEC
    [InlineData(-13, 126)] // EACCES
    public void FailedExecve_AfterSetupDone_ExitsWithShellCodes_WithoutAnErrorRecord(int errno, int code)
    {
        FakeKernel.Reset();
        FakeKernel.Install(_p.Header);
        FakeKernel.FailOnce(Nr.execve, errno);
        ChildExecutor.Run(_p.Header);
        var written = FakeKernel.SyncWritten();
        Assert.Equal(16, written.Length); // only the Ready record: the parent has stopped listening
        Assert.Equal(SyncRecord.Ready, MemoryMarshal.Read<SyncRecord>(written).Kind);
        Assert.Equal(new Call(Nr.exit_group, code, 0, 0, 0, 0, 0), FakeKernel.Recorded()[^1]);
    }

    [Fact]
    public void EveryStep_HasADescription_AndFailingAnyMountNamesItsField()
    {
        Assert.Equal(_p.Header->StepCount, _p.Plan.Descriptions.Count);
        Assert.All(_p.Plan.Descriptions, d => Assert.False(string.IsNullOrWhiteSpace(d)));
        var mounts = _p.Spec.Mounts!;
        for (int m = 0; m < mounts.Count; m++)
        {
            string field = $"(mounts[{m}])";
            Assert.Contains(_p.Plan.Descriptions, d => d.Contains(field, StringComparison.Ordinal));
        }
        for (int d = 0; d < _p.Spec.Linux!.Devices!.Count; d++)
            Assert.Contains(_p.Plan.Descriptions, x => x.Contains($"(linux.devices[{d}])", StringComparison.Ordinal));
        Assert.Contains(_p.Plan.Descriptions, x => x.Contains("(hostname)", StringComparison.Ordinal));
        Assert.Contains(_p.Plan.Descriptions, x => x.Contains("(process.user.additionalGids)", StringComparison.Ordinal));
    }
}

/// <summary>File bind mounts whose parent directory path is longer than the file's name.</summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class CreateFileInRootTests
{
    [Theory]
    [InlineData("/etc/hosts")]
    [InlineData("/a/bc")]
    [InlineData("/run/secrets/kubernetes.io/serviceaccount/token")]
    [InlineData("/usr/local/etc/x")]
    public void FileBindMount_TargetPath_SurvivesCreatingItsParents(string destination)
    {
        var tmp = Path.Combine(Path.GetTempPath(), "runsharp-ct-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(tmp, "rootfs"));
        File.WriteAllText(Path.Combine(tmp, "file"), "x");
        try
        {
            var spec = Runsharp.Spec.DefaultSpec.Create(false);
            spec.Process!.Terminal = false;
            spec.Mounts = [new Runsharp.Spec.Mount { Destination = destination, Type = "bind", Source = Path.Combine(tmp, "file"), Options = ["bind"] }];
            var ctx = new InitContext { Spec = spec, BundleDir = tmp, RootfsPath = Path.Combine(tmp, "rootfs") };
            using var ns = Runsharp.Container.Namespaces.NamespaceSetup.Open(spec.Linux!.Namespaces);
            using var plan = InitPlanCompiler.Compile(ctx, ns, "/root").Build(99);

            FakeKernel.Reset();
            FakeKernel.Install(plan.Header);
            Assert.Equal(0, ChildExecutor.Run(plan.Header));
            var calls = FakeKernel.Recorded();
            string rel = destination.TrimStart('/');
            string name = Path.GetFileName(rel);
            string parent = Path.GetDirectoryName(rel)!;

            // The file is created in its parent, the parent is opened by its full path, and the mount's
            // target is opened by the destination's full path.
            Assert.Contains(calls, c => c.Nr == Nr.openat && c.S(1) == name && (c.A2 & Flags.O_CREAT) != 0);
            Assert.Contains(calls, c => c.Nr == Nr.openat2 && c.S(1) == parent);
            int bind = Array.FindIndex(calls, c => c.Nr == Nr.mount && c.S(0) == Path.Combine(tmp, "file"));
            Assert.True(bind > 0);
            var targetOpen = calls[..bind].Last(c => c.Nr == Nr.openat2);
            Assert.Equal(rel, targetOpen.S(1));
        }
        finally { Directory.Delete(tmp, true); }
    }
}
