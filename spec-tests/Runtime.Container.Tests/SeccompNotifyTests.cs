using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Tests;

/// <summary>
/// SCMP_ACT_NOTIFY: what the builder accepts and refuses, the plan after a notify load (the fd goes out on
/// the socketpair with SCM_RIGHTS, then a SeccompFd record; nothing else in between), the interpreter running
/// that hand-off without allocating, and the parent's forwarding of fd and state to a listener socket.
/// </summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class SeccompNotifyTests
{
    private const uint ActNotify = 0x7fc00000, Allow = 0x7fff0000, ArchX86_64 = 0xC000003E;
    private const int NrMkdir = 83, NrMkdirat = 258, NrRead = 0;
    private const int SocketFd = 30, SyncFd = 99;

    private static LinuxSeccomp Profile(string? listenerPath = "/run/agent.sock", params string[] names) => new()
    {
        DefaultAction = "SCMP_ACT_ALLOW",
        ListenerPath = listenerPath,
        ListenerMetadata = "meta",
        Syscalls = [new LinuxSyscall { Action = "SCMP_ACT_NOTIFY", Names = names.Length > 0 ? [.. names] : ["mkdir", "mkdirat"] }],
    };

    // ------------------------------------------------------------------ builder

    [Fact]
    public void Build_NotifyRule_LoadsWithNewListener_AndNotifiesOnlyThoseSyscalls()
    {
        var p = SeccompFilterBuilder.Build(Profile())!;
        Assert.True(p.Notify);
        Assert.Equal(SeccompSupport.FlagNewListener, p.Flags);
        Assert.Equal(ActNotify, SeccompFilterTests.Bpf.Run(p.Bpf, NrMkdir, ArchX86_64));
        Assert.Equal(ActNotify, SeccompFilterTests.Bpf.Run(p.Bpf, NrMkdirat, ArchX86_64));
        Assert.Equal(Allow, SeccompFilterTests.Bpf.Run(p.Bpf, NrRead, ArchX86_64));
        Assert.True(SeccompFilterBuilder.UsesNotify(Profile()));
    }

    [Fact]
    public void Build_WithoutNotify_NoListenerFlag_ListenerPathIgnored()
    {
        var s = Profile();
        s.Syscalls![0].Action = "SCMP_ACT_ERRNO";
        var p = SeccompFilterBuilder.Build(s)!;
        Assert.False(p.Notify);
        Assert.Equal(0u, p.Flags);
        Assert.False(SeccompFilterBuilder.UsesNotify(s));
        Assert.False(SeccompFilterBuilder.UsesNotify(null));
    }

    [Fact]
    public void Build_Tsync_WithNotify_BecomesTsyncEsrch()
    {
        var s = Profile();
        s.Flags = ["SECCOMP_FILTER_FLAG_TSYNC"];
        var p = SeccompFilterBuilder.Build(s)!;
        Assert.Equal(SeccompSupport.FlagNewListener | SeccompSupport.FlagTsync | SeccompSupport.FlagTsyncEsrch, p.Flags);
    }

    [Fact]
    public void Build_WaitKillableRecv_PassedOnlyWithNotify_WhereTheKernelHasIt()
    {
        var s = Profile();
        s.Flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"];
        bool kernelHasIt = SeccompSupport.KernelAcceptsFlag(SeccompSupport.FlagWaitKillableRecv | SeccompSupport.FlagNewListener);
        Assert.Equal(kernelHasIt, (SeccompFilterBuilder.Build(s)!.Flags & SeccompSupport.FlagWaitKillableRecv) != 0);
        s.Syscalls![0].Action = "SCMP_ACT_ERRNO";
        Assert.Equal(0u, SeccompFilterBuilder.Build(s)!.Flags);
    }

    [Theory]
    [InlineData("nopath", "linux.seccomp.listenerPath: must be set when a rule uses SCMP_ACT_NOTIFY")]
    [InlineData("emptypath", "linux.seccomp.listenerPath: must be set when a rule uses SCMP_ACT_NOTIFY")]
    [InlineData("write", "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for \"write\": the init needs it to hand the notify fd to the runtime")]
    [InlineData("sendmsg", "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for \"sendmsg\": the init needs it to hand the notify fd to the runtime")]
    [InlineData("default", "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action")]
    public void Build_Refusals_NameTheField(string what, string message)
    {
        var s = what switch
        {
            "nopath" => Profile(listenerPath: null),
            "emptypath" => Profile(listenerPath: ""),
            "write" => Profile("/run/agent.sock", "mkdir", "write"),
            "sendmsg" => Profile("/run/agent.sock", "sendmsg"),
            _ => Profile(),
        };
        if (what == "default") s.DefaultAction = "SCMP_ACT_NOTIFY";
        var e = Assert.Throws<ContainerException>(() => SeccompFilterBuilder.Build(s));
        Assert.Equal(message, e.Message);
    }

    // ------------------------------------------------------------------ plan

    private static NativePlan LoadPlan(out PlanBuilder b)
    {
        b = new PlanBuilder();
        SeccompCompiler.CompileLoad(b, SeccompFilterBuilder.Build(Profile()), preserveFds: 0, notifySocketFd: SocketFd, syncFd: SyncFd);
        return b.Build(syncFd: SyncFd);
    }

    [Fact]
    public void CompileLoad_Notify_LoadThenStoreSendReportClose()
    {
        using var plan = LoadPlan(out var b);
        var h = plan.Header;
        Assert.Equal(7, h->StepCount);
        PlanStep* s = h->Steps;
        Assert.Equal(Sys.close_range, s[0].Nr);
        Assert.Equal(Sys.seccomp, s[1].Nr);
        Assert.Equal(SeccompSupport.FlagNewListener, (uint)s[1].Args[1]);
        Assert.True(s[1].ResultSlot >= 0, "the load's result (the notify fd) must be kept");
        int slot = s[1].ResultSlot;

        Assert.Equal(StepKind.StoreInt, s[2].Kind);
        Assert.Equal(1 << 1, s[2].SlotArgs);
        Assert.Equal(slot, s[2].Args[1]);

        Assert.Equal(Sys.sendmsg, s[3].Nr);
        Assert.Equal(SocketFd, s[3].Args[0]);
        byte* msg = (byte*)s[3].Args[1];
        Assert.Equal(1UL, *(ulong*)(msg + 24)); // one iovec
        byte* iov = *(byte**)(msg + 16);
        Assert.Equal(1UL, *(ulong*)(iov + 8)); // one byte of payload
        byte* control = *(byte**)(msg + 32);
        Assert.Equal(24UL, *(ulong*)(msg + 40));
        Assert.Equal(20UL, *(ulong*)control); // CMSG_LEN(sizeof(int))
        Assert.Equal(Flags.SOL_SOCKET, *(int*)(control + 8));
        Assert.Equal(Flags.SCM_RIGHTS, *(int*)(control + 12));
        Assert.Equal((long)(control + 16), s[2].Args[0]); // the fd is stored into the cmsg's data

        Assert.Equal(Sys.write, s[4].Nr);
        Assert.Equal(SyncFd, s[4].Args[0]);
        Assert.Equal(SyncRecord.SeccompFd, *(int*)s[4].Args[1]);
        Assert.Equal(16, s[4].Args[2]);

        Assert.Equal(Sys.close, s[5].Nr);
        Assert.Equal(1, s[5].SlotArgs);
        Assert.Equal(slot, s[5].Args[0]);
        Assert.Equal(Sys.close, s[6].Nr);
        Assert.Equal(SocketFd, s[6].Args[0]);
        Assert.All(b.Descriptions.Skip(3).Take(2), d => Assert.Contains("linux.seccomp.listenerPath", d));
    }

    [Fact]
    public void CompileLoad_Notify_WithoutAChannel_Throws()
    {
        var e = Assert.Throws<ContainerException>(() =>
            SeccompCompiler.CompileLoad(new PlanBuilder(), SeccompFilterBuilder.Build(Profile()), 0));
        Assert.Contains("linux.seccomp.listenerPath", e.Message);
    }

    [Fact]
    public void Executor_HandsOffTheFdTheLoadReturned_AllocatingNothing()
    {
        using var plan = LoadPlan(out _);
        var h = plan.Header;
        FakeKernel.Reset();
        FakeKernel.Install(h);
        FakeKernel.FailOnce(Sys.seccomp, 42); // the "notify fd"
        Assert.Equal(0, ChildExecutor.Run(h));

        var calls = FakeKernel.Recorded();
        long[] nrs = calls.Select(c => c.Nr).ToArray();
        Assert.Equal([Sys.close_range, Sys.seccomp, Sys.sendmsg, Sys.write, Sys.close, Sys.close], nrs);
        byte* control = *(byte**)((byte*)calls[2].A1 + 32);
        Assert.Equal(42, *(int*)(control + 16));
        Assert.Equal(new Call(Sys.close, 42, 0, 0, 0, 0, 0), calls[4]);
        Assert.Equal(new Call(Sys.close, SocketFd, 0, 0, 0, 0, 0), calls[5]);
        Assert.Equal(SyncRecord.SeccompFd, MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten()).Kind);

        long before = GC.GetAllocatedBytesForCurrentThread();
        FakeKernel.Reset();
        FakeKernel.FailOnce(Sys.seccomp, 43);
        int r = ChildExecutor.Run(h);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, r);
        Assert.Equal(before, after);
        Assert.Equal(43, *(int*)(control + 16));
    }

    [Fact]
    public void Executor_SendFails_ReportsTheSendStep()
    {
        using var plan = LoadPlan(out var b);
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.FailOnce(Sys.sendmsg, -Errno.EPIPE);
        Assert.Equal(Errno.EPIPE, ChildExecutor.Run(plan.Header)); // the fake exit_group returns: Run gives the errno
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(SyncRecord.Error, rec.Kind);
        Assert.Equal(3, rec.Step);
        Assert.StartsWith("unable to send the seccomp notify fd", b.Descriptions[rec.Step]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void InitPlan_HandOffFollowsTheLoad_BeforeReady(bool noNewPrivileges)
    {
        var tmp = Path.Combine(Path.GetTempPath(), "runsharp-sn-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(tmp, "rootfs"));
        try
        {
            var spec = DefaultSpec.Create(false);
            spec.Process!.Terminal = false;
            spec.Process.NoNewPrivileges = noNewPrivileges;
            spec.Linux!.Seccomp = Profile();
            var ctx = new InitContext
            {
                Spec = spec, BundleDir = tmp, RootfsPath = Path.Combine(tmp, "rootfs"),
                SyncWriteFd = 20, SyncReadFd = 21, GoReadFd = 22, GoWriteFd = 23, ExecFifoFd = 24, SeccompSocketFd = SocketFd,
            };
            using var ns = NamespaceSetup.Open(spec.Linux.Namespaces);
            using var plan = InitPlanCompiler.Compile(ctx, ns, "/root").Build(syncFd: 20);
            var h = plan.Header;
            int load = -1, ready = -1;
            for (int i = 0; i < h->StepCount; i++)
            {
                var st = h->Steps + i;
                if (st->Kind == StepKind.Syscall && st->Nr == Sys.seccomp) load = i;
                if (st->Kind == StepKind.Syscall && st->Nr == Sys.write && *(int*)st->Args[1] == SyncRecord.Ready) ready = i;
            }
            Assert.True(load > 0 && ready > load);
            Assert.Equal(StepKind.StoreInt, h->Steps[load + 1].Kind);
            Assert.Equal(Sys.sendmsg, h->Steps[load + 2].Nr);
            Assert.Equal(SocketFd, h->Steps[load + 2].Args[0]);
            Assert.Equal(Sys.write, h->Steps[load + 3].Nr);
            Assert.Equal(20, h->Steps[load + 3].Args[0]);
            Assert.Equal(SyncRecord.SeccompFd, *(int*)h->Steps[load + 3].Args[1]);
        }
        finally { Directory.Delete(tmp, true); }
    }

    // ------------------------------------------------------------------ parent

    [Fact]
    public void Forward_SendsStateAndTheSameFd_InOneMessage()
    {
        string dir = Path.Combine(Path.GetTempPath(), "runsharp-sn-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        string sockPath = Path.Combine(dir, "agent.sock");
        var (parent, child) = SeccompListener.SocketPair();
        var (pipeRead, pipeWrite) = Posix.Pipe("pipe");
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(sockPath));
            listener.Listen(1);
            // The init's side: one byte and the fd (here a pipe's read end stands in for the notify fd).
            Assert.Equal(1, SendFd(child, pipeRead));

            var state = new Spec.State { OciVersion = "1.0.2", Id = "c1", Status = ContainerStatus.Creating, Pid = 1234, Bundle = "/b" };
            SeccompListener.Forward(parent, new LinuxSeccomp { ListenerPath = sockPath, ListenerMetadata = "hello" }, state);

            using var conn = listener.Accept();
            var (json, fds) = RecvFds((int)conn.Handle);
            Assert.Single(fds);
            try
            {
                var o = JsonNode.Parse(json)!.AsObject();
                Assert.Equal("1.0.2", (string?)o["ociVersion"]);
                Assert.Equal(["seccompFd"], o["fds"]!.AsArray().Select(x => (string)x!).ToArray());
                Assert.Equal(1234, (int)o["pid"]!);
                Assert.Equal("hello", (string?)o["metadata"]);
                Assert.Equal("c1", (string?)o["state"]!["id"]);
                Assert.Equal("creating", (string?)o["state"]!["status"]);
                Assert.Equal(1234, (int)o["state"]!["pid"]!);
                // Same open file: what goes into the pipe comes out of the received fd.
                Posix.WriteAll(pipeWrite, "x"u8, "write");
                byte b = 0;
                Assert.Equal(1, RawSyscall.Invoke(Sys.read, fds[0], (long)&b, 1));
                Assert.Equal((byte)'x', b);
            }
            finally { foreach (var fd in fds) Posix.Close(fd); }
        }
        finally
        {
            Posix.Close(parent); Posix.Close(child); Posix.Close(pipeRead); Posix.Close(pipeWrite);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Forward_NobodyListening_ErrorNamesTheField()
    {
        var (parent, child) = SeccompListener.SocketPair();
        var (pipeRead, pipeWrite) = Posix.Pipe("pipe");
        try
        {
            Assert.Equal(1, SendFd(child, pipeRead));
            var e = Assert.Throws<ContainerException>(() => SeccompListener.Forward(parent,
                new LinuxSeccomp { ListenerPath = "/nonexistent/agent.sock" }, new Spec.State { Id = "c1", Pid = 1 }));
            Assert.StartsWith("linux.seccomp.listenerPath: unable to connect to the seccomp listener /nonexistent/agent.sock", e.Message);
        }
        finally { Posix.Close(parent); Posix.Close(child); Posix.Close(pipeRead); Posix.Close(pipeWrite); }
    }

    private static long SendFd(int sock, int fd)
    {
        byte data = (byte)'s';
        long* iov = stackalloc long[2] { (long)&data, 1 };
        byte* control = stackalloc byte[24];
        *(ulong*)control = 20;
        *(int*)(control + 8) = Flags.SOL_SOCKET;
        *(int*)(control + 12) = Flags.SCM_RIGHTS;
        *(int*)(control + 16) = fd;
        long* msg = stackalloc long[7] { 0, 0, (long)iov, 1, (long)control, 24, 0 };
        return RawSyscall.Invoke(Sys.sendmsg, sock, (long)msg, 0);
    }

    private static (string Json, List<int> Fds) RecvFds(int sock)
    {
        var payload = new byte[8192];
        byte* control = stackalloc byte[256];
        new Span<byte>(control, 256).Clear();
        fixed (byte* p = payload)
        {
            long* iov = stackalloc long[2] { (long)p, payload.Length };
            long* msg = stackalloc long[7] { 0, 0, (long)iov, 1, (long)control, 256, 0 };
            long n = RawSyscall.Invoke(Sys.recvmsg, sock, (long)msg, 0x40000000 /* MSG_CMSG_CLOEXEC */);
            Assert.True(n > 0, $"recvmsg: {n}");
            var fds = new List<int>();
            if (msg[5] >= 20 && *(int*)(control + 12) == Flags.SCM_RIGHTS)
                for (int i = 0; i < ((int)*(ulong*)control - 16) / 4; i++) fds.Add(*(int*)(control + 16 + 4 * i));
            return (System.Text.Encoding.UTF8.GetString(payload, 0, (int)n), fds);
        }
    }
}
