using System.Runtime.InteropServices;
using Runsharp.Container.Exec;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Spec;
using Flags = Runsharp.Linux.Native.Flags;
using Nr = Runsharp.Linux.Native.Sys;

namespace Runsharp.Container.Tests;

/// <summary>
/// terminal: true (CVE-2025-52565 class). The console steps reach nothing by a path the container could swap:
/// /dev/pts/ptmx is opened as a path without symlinks and proven to be a devpts ptmx before it is opened for real
/// (and again after), the peer comes from the master with TIOCGPTPEER (no /dev/pts/N), /dev/console is made with
/// mknod (nothing opened that could block) and reached without symlinks, and the bind goes fd to fd.
/// </summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class ConsolePlanTests
{
    private const int ConsoleSocket = 42;

    private static NativePlan Compile(bool bindConsole, Box? size = null)
    {
        var builder = new PlanBuilder();
        ConsoleCompiler.Compile(builder, new ConsoleRequest(ConsoleSocket, size, Relayed: false), bindConsole);
        return builder.Build(99);
    }

    private static Call[] Run(NativePlan plan, FakeKernel.FdKind foreign, out int result)
    {
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.Foreign = foreign;
        result = ChildExecutor.Run(plan.Header);
        return FakeKernel.Recorded();
    }

    private static string FdPath(long fd) => $"/proc/self/fd/{fd}";

    [Fact]
    public void Init_BindsThePeer_FdToFd_AndSendsTheVerifiedMaster()
    {
        using var plan = Compile(bindConsole: true, new Box { Height = 30, Width = 90 });
        var calls = Run(plan, FakeKernel.FdKind.Other, out int result);
        Assert.Equal(0, result);
        long handle = FakeKernel.FirstFd, master = handle + 1, peer = handle + 2, console = handle + 3;

        // ptmx: a path-only open without symlinks, checked, reopened through its fd, checked again.
        Assert.Equal(Nr.openat2, calls[0].Nr);
        Assert.Equal("dev/pts/ptmx", calls[0].S(1));
        Assert.Equal((ulong)(Flags.O_PATH | Flags.O_CLOEXEC), calls[0].OpenHow[0]);
        Assert.Equal(Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_SYMLINKS, calls[0].OpenHow[2]);
        Assert.Equal(new[] { (Nr.fstatfs, handle), (Nr.fstat, handle) }, calls[1..3].Select(c => (c.Nr, c.A0)));
        Assert.Equal(Nr.open, calls[3].Nr);
        Assert.Equal(FdPath(handle), calls[3].S(0));
        Assert.Equal((long)(Flags.O_RDWR | Flags.O_NOCTTY | Flags.O_CLOEXEC), calls[3].A1);
        Assert.Equal(new[] { (Nr.fstatfs, master), (Nr.fstat, master), (Nr.close, handle) }, calls[4..7].Select(c => (c.Nr, c.A0)));

        // unlock, size, peer from the master.
        Assert.Equal(new[] { ((long)Flags.TIOCSPTLCK, master), (Flags.TIOCSWINSZ, master), (Flags.TIOCGPTPEER, master) },
            calls[7..10].Select(c => { Assert.Equal(Nr.ioctl, c.Nr); return (c.A1, c.A0); }));
        Assert.Equal((long)(Flags.O_RDWR | Flags.O_NOCTTY | Flags.O_CLOEXEC), calls[9].A2);

        // /dev/console: mknod (EEXIST is fine), a path-only open without symlinks, the bind by fd paths.
        Assert.Equal(Nr.mknodat, calls[10].Nr);
        Assert.Equal("/dev/console", calls[10].S(1));
        Assert.Equal((long)(Flags.S_IFREG | 0x1b6), calls[10].A2);
        Assert.Equal(Nr.openat2, calls[11].Nr);
        Assert.Equal("dev/console", calls[11].S(1));
        Assert.Equal((ulong)(Flags.O_PATH | Flags.O_CLOEXEC), calls[11].OpenHow[0]);
        Assert.Equal(Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_SYMLINKS, calls[11].OpenHow[2]);
        var bind = calls[12];
        Assert.Equal(Nr.mount, bind.Nr);
        Assert.Equal(FdPath(peer), bind.S(0));
        Assert.Equal(FdPath(console), bind.S(1));
        Assert.Equal(Flags.MS_BIND, bind.A3);
        Assert.Equal((Nr.close, console), (calls[13].Nr, calls[13].A0));

        // The master goes out in the one SCM_RIGHTS message; then the peer is the session's terminal and stdio.
        var send = calls[14];
        Assert.Equal((Nr.sendmsg, (long)ConsoleSocket), (send.Nr, send.A0));
        byte* control = *(byte**)(send.A1 + 32);
        Assert.Equal((int)master, *(int*)(control + 16));
        Assert.Equal(new[] { (Nr.close, master), (Nr.close, (long)ConsoleSocket), (Nr.setsid, 0L) }, calls[15..18].Select(c => (c.Nr, c.A0)));
        Assert.Equal((Nr.ioctl, peer, (long)Flags.TIOCSCTTY), (calls[18].Nr, calls[18].A0, calls[18].A1));
        Assert.Equal(new[] { 0L, 1L, 2L }, calls[19..22].Select(c => { Assert.Equal((Nr.dup3, peer), (c.Nr, c.A0)); return c.A1; }));
        Assert.Equal((Nr.close, peer), (calls[22].Nr, calls[22].A0));
        Assert.Equal(23, calls.Length);

        // Nothing below /dev/pts is ever named, and nothing is opened for writing by path.
        Assert.DoesNotContain(calls, c => (c.S(0) ?? c.S(1) ?? "").StartsWith("/dev/pts/", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.Nr is Nr.open or Nr.openat && !(c.S(0) ?? "").StartsWith("/proc/self/fd/", StringComparison.Ordinal));
    }

    [Fact]
    public void Exec_GetsAPtyOfItsOwn_AndLeavesDevConsoleAlone()
    {
        using var plan = Compile(bindConsole: false);
        var calls = Run(plan, FakeKernel.FdKind.Other, out int result);
        Assert.Equal(0, result);
        Assert.DoesNotContain(calls, c => c.Nr is Nr.mount or Nr.mknodat);
        Assert.DoesNotContain(calls, c => c.S(1) == "dev/console");
        Assert.Single(calls, c => c.Nr == Nr.sendmsg);
    }

    /// <summary>/dev/pts/ptmx that is not the devpts ptmx (a file or node someone put there): refused before it is opened, by name.</summary>
    [Fact]
    public void APtmxLookAlike_IsRefused_BeforeItIsOpened()
    {
        using var plan = Compile(bindConsole: true);
        var calls = Run(plan, FakeKernel.FdKind.Ptmx, out int result);
        Assert.Equal(1 /* EPERM */, result);
        Assert.DoesNotContain(calls, c => c.Nr is Nr.open or Nr.mount or Nr.sendmsg);
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(SyncRecord.AuxUnexpectedFile, rec.Aux);
        Assert.Equal("/dev/pts/ptmx in the container is not the ptmx of a devpts mount (process.terminal)", InitLauncher.Describe(rec, plan.Descriptions));
    }

    /// <summary>A symlinked /dev/console fails the open (ELOOP), named; nothing is mounted and the master is not sent.</summary>
    [Fact]
    public void ASymlinkedDevConsole_FailsTheCreate_Named()
    {
        using var plan = Compile(bindConsole: true);
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.FailOpenOf("dev/console", -40 /* ELOOP */);
        Assert.Equal(40, ChildExecutor.Run(plan.Header)); // the fake's exit_group returns: Run gives the errno
        var calls = FakeKernel.Recorded();
        Assert.DoesNotContain(calls, c => c.Nr is Nr.mount or Nr.sendmsg);
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal("unable to open /dev/console in the container without following symlinks (process.terminal): too many levels of symbolic links",
            InitLauncher.Describe(rec, plan.Descriptions));
    }

    [Fact]
    public void ConsoleSteps_AllocateNothing_OnceWarm()
    {
        using var plan = Compile(bindConsole: true, new Box { Height = 30, Width = 90 });
        Run(plan, FakeKernel.FdKind.Other, out int warm);
        Assert.Equal(0, warm);
        long before = GC.GetAllocatedBytesForCurrentThread();
        FakeKernel.Reset();
        int r = ChildExecutor.Run(plan.Header);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, r);
        Assert.Equal(before, after);
    }
}
