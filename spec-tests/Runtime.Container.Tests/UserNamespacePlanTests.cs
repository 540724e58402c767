using System.Runtime.InteropServices;
using Runsharp.Container.Lifecycle;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Spec;
using Flags = Runsharp.Linux.Native.Flags;
using Nr = Runsharp.Linux.Native.Sys;

namespace Runsharp.Container.Tests;

/// <summary>
/// The plan for a user namespace joined by path (joined first, the new namespaces unshared after it, the init
/// forked into a new pid namespace by the child), and for one made without privileges (no setgroups).
/// </summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class UserNamespacePlanTests : IDisposable
{
    private const int SyncWriteFd = 99;
    private readonly string _tmp = Path.Combine(Path.GetTempPath(), "runsharp-un-" + Guid.NewGuid().ToString("N")[..10]);

    public UserNamespacePlanTests() => Directory.CreateDirectory(Path.Combine(_tmp, "rootfs"));

    public void Dispose() => Directory.Delete(_tmp, true);

    private Spec.Spec NewSpec(bool joinUser, bool newPid = true)
    {
        var spec = DefaultSpec.Create(false);
        spec.Process!.Terminal = false;
        spec.Process.Args = ["true"];
        var ns = spec.Linux!.Namespaces!;
        if (!newPid) ns.RemoveAll(n => n.Type == NamespaceTypes.Pid);
        ns.Add(joinUser ? new LinuxNamespace { Type = NamespaceTypes.User, Path = "/proc/self/ns/user" } : new LinuxNamespace { Type = NamespaceTypes.User });
        if (!joinUser)
        {
            spec.Linux.UidMappings = [new LinuxIdMapping { ContainerId = 0, HostId = 1000, Size = 1 }];
            spec.Linux.GidMappings = [new LinuxIdMapping { ContainerId = 0, HostId = 1000, Size = 1 }];
        }
        return spec;
    }

    private PlanBuilder Compile(Spec.Spec spec, NamespaceSetup namespaces) =>
        InitPlanCompiler.Compile(new InitContext
        {
            Spec = spec, BundleDir = _tmp, RootfsPath = Path.Combine(_tmp, "rootfs"),
            SyncWriteFd = SyncWriteFd, SyncReadFd = 7, GoReadFd = 5, GoWriteFd = 8, ExecFifoFd = 6, CapLastCap = 40,
            JoinFds = namespaces.JoinFds,
        }, namespaces, home: "/root");

    private static int Index(PlanBuilder plan, string prefix)
    {
        for (int i = 0; i < plan.Descriptions.Count; i++)
            if (plan.Descriptions[i].StartsWith(prefix, StringComparison.Ordinal)) return i;
        return -1;
    }

    [Fact]
    public void JoinedUserNamespace_IsJoinedFirst_ThenTheInitIsForked_ThenTheOtherNamespacesAreUnshared()
    {
        var spec = NewSpec(joinUser: true);
        using var namespaces = NamespaceSetup.Open(spec.Linux!.Namespaces);
        Assert.Equal(0, namespaces.ForkFlags);
        Assert.True(namespaces.NeedsInitFork);
        var plan = Compile(spec, namespaces);

        int join = Index(plan, "unable to join the user namespace");
        int fork = Index(plan, "unable to fork the init into a new pid namespace");
        int unshare = Index(plan, "unable to create namespaces in the joined user namespace");
        int deathSignal = Index(plan, "unable to set the parent-death signal");
        Assert.True(join >= 0 && join < fork && fork < unshare && unshare < deathSignal, $"{join} {fork} {unshare} {deathSignal}");
        // Joined once only.
        Assert.Equal(1, plan.Descriptions.Count(d => d.StartsWith("unable to join the user namespace", StringComparison.Ordinal)));
    }

    [Fact]
    public void JoinedUserNamespace_WithNewTimeNamespace_TheInitMakesIt_WritesTheOffsets_AndEntersIt()
    {
        var spec = NewSpec(joinUser: true);
        spec.Linux!.Namespaces!.Add(new LinuxNamespace { Type = NamespaceTypes.Time });
        spec.Linux.TimeOffsets = new() { ["boottime"] = new LinuxTimeOffset { Secs = 86400, Nanosecs = 5 } };
        using var namespaces = NamespaceSetup.Open(spec.Linux.Namespaces);
        // The runtime makes none itself: it would be owned by the runtime's user namespace.
        Assert.Empty(namespaces.ForChildren(spec.Linux.TimeOffsets));
        var plan = Compile(spec, namespaces);

        int fork = Index(plan, "unable to fork the init into a new pid namespace");
        int make = Index(plan, "unable to create a time namespace in the joined user namespace");
        int offsets = Index(plan, "unable to set the time offsets");
        int enter = Index(plan, "unable to enter the new time namespace");
        Assert.True(fork >= 0 && fork < make && make < offsets && offsets < enter, $"{fork} {make} {offsets} {enter}");
    }

    [Fact]
    public void JoinedUserNamespace_WithATimeOffsetForAnotherClock_FailsNamingIt()
    {
        var spec = NewSpec(joinUser: true);
        spec.Linux!.Namespaces!.Add(new LinuxNamespace { Type = NamespaceTypes.Time });
        spec.Linux.TimeOffsets = new() { ["realtime"] = new LinuxTimeOffset { Secs = 1 } };
        using var namespaces = NamespaceSetup.Open(spec.Linux.Namespaces);
        var e = Assert.Throws<ContainerException>(() => Compile(spec, namespaces));
        Assert.Contains("linux.timeOffsets[\"realtime\"]", e.Message);
    }

    [Fact]
    public void JoinedUserNamespace_WithoutNewPid_ForksNothing()
    {
        var spec = NewSpec(joinUser: true, newPid: false);
        using var namespaces = NamespaceSetup.Open(spec.Linux!.Namespaces);
        Assert.False(namespaces.NeedsInitFork);
        var plan = Compile(spec, namespaces);
        Assert.Equal(-1, Index(plan, "unable to fork the init"));
        Assert.True(Index(plan, "unable to create namespaces in the joined user namespace") > Index(plan, "unable to join the user namespace"));
    }

    [Fact]
    public void NewUserNamespace_IsMadeByClone()
    {
        var spec = NewSpec(joinUser: false);
        using var namespaces = NamespaceSetup.Open(spec.Linux!.Namespaces);
        Assert.NotEqual(0, namespaces.ForkFlags & Flags.CLONE_NEWUSER);
        Assert.NotEqual(0, namespaces.ForkFlags & Flags.CLONE_NEWPID);
        Assert.False(namespaces.NeedsInitFork);
        var plan = Compile(spec, namespaces);
        Assert.Equal(-1, Index(plan, "unable to join the user namespace"));
        Assert.Equal(-1, Index(plan, "unable to create namespaces in the joined user namespace"));
    }

    [Fact]
    public void Executor_JoinsTheUserNamespace_ThenClonesWithParent_ThenUnshares_AllocatingNothing()
    {
        var spec = NewSpec(joinUser: true);
        using var namespaces = NamespaceSetup.Open(spec.Linux!.Namespaces);
        int userFd = namespaces.JoinFds[NamespaceTypes.User];
        using var plan = Compile(spec, namespaces).Build(SyncWriteFd);

        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        Assert.Equal(0, ChildExecutor.Run(plan.Header)); // warm: the fake clone returns 0, so this is the init
        long before = GC.GetAllocatedBytesForCurrentThread();
        FakeKernel.Reset();
        int r = ChildExecutor.Run(plan.Header);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, r);
        Assert.Equal(before, after);

        var calls = FakeKernel.Recorded();
        int setns = Array.FindIndex(calls, c => c.Nr == Nr.setns && c.A0 == userFd);
        int clone = Array.FindIndex(calls, c => c.Nr == Nr.clone);
        int unshare = Array.FindIndex(calls, c => c.Nr == Nr.unshare);
        Assert.True(setns >= 0 && setns < clone && clone < unshare, $"{setns} {clone} {unshare}");
        Assert.Equal(Flags.CLONE_NEWUSER, calls[setns].A1);
        Assert.Equal(Flags.CLONE_NEWPID | Flags.CLONE_PARENT | Flags.SIGCHLD, calls[clone].A0);
        Assert.Equal(Flags.CLONE_NEWNS | Flags.CLONE_NEWNET | Flags.CLONE_NEWIPC | Flags.CLONE_NEWUTS, calls[unshare].A0);
    }

    [Fact]
    public void Executor_Intermediate_SendsTheInitsPid_AndExits()
    {
        var spec = NewSpec(joinUser: true);
        using var namespaces = NamespaceSetup.Open(spec.Linux!.Namespaces);
        using var plan = Compile(spec, namespaces).Build(SyncWriteFd);
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.FailOnce(Nr.clone, 4242); // the parent's side of the clone: the init's pid
        ChildExecutor.Run(plan.Header);       // the fake exit_group returns, so the run goes on; only the start matters

        var calls = FakeKernel.Recorded();
        int clone = Array.FindIndex(calls, c => c.Nr == Nr.clone);
        Assert.Equal(Nr.write, calls[clone + 1].Nr);
        Assert.Equal(SyncWriteFd, calls[clone + 1].A0);
        Assert.Equal(Nr.exit_group, calls[clone + 2].Nr);
        Assert.Equal(0, calls[clone + 2].A0);
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(SyncRecord.InitPid, rec.Kind);
        Assert.Equal(4242, rec.Step);
    }

    [Fact]
    public void SetgroupsDenied_NoSetgroupsCall_AndAdditionalGidsAreRefused()
    {
        var spec = NewSpec(joinUser: false);
        using var namespaces = NamespaceSetup.Open(spec.Linux!.Namespaces);
        namespaces.SetgroupsDenied = true;
        Assert.Equal(-1, Index(Compile(spec, namespaces), "unable to set supplementary groups"));
        namespaces.SetgroupsDenied = false;
        Assert.True(Index(Compile(spec, namespaces), "unable to set supplementary groups") >= 0);

        spec.Process!.User.AdditionalGids = [10];
        namespaces.SetgroupsDenied = true;
        var e = Assert.Throws<ContainerException>(() => Compile(spec, namespaces));
        Assert.Contains("process.user.additionalGids", e.Message);
    }

    [Fact]
    public void RootlessCgroup_DeviceRulesAloneAreNoLimits()
    {
        Assert.False(RootlessCgroup.HasLimits(null));
        Assert.False(RootlessCgroup.HasLimits(new LinuxResources { Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }] }));
        Assert.True(RootlessCgroup.HasLimits(new LinuxResources { Memory = new LinuxMemory { Limit = 1 << 20 } }));
        Assert.True(RootlessCgroup.HasLimits(new LinuxResources { Pids = new LinuxPids { Limit = 10 } }));
    }
}
