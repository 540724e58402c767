using Runsharp.Container.Namespaces;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Spec;
using Flags = Runsharp.Linux.Native.Flags;
using Nr = Runsharp.Linux.Native.Sys;

namespace Runsharp.Container.Tests;

/// <summary>
/// linux.sysctl writes go through one fd on the container's /proc/sys, each key opened below it without
/// symlinks and without crossing a mount (CVE-2025-52881 class: a file bound over a sysctl must not take the write).
/// </summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class SysctlPlanTests
{
    [Fact]
    public void Keys_AreOpenedBeneathProcSys_OnTheSameMount()
    {
        using var namespaces = NamespaceSetup.Open([new LinuxNamespace { Type = "network" }]);
        var builder = new PlanBuilder();
        SysctlCompiler.Compile(builder, new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" }, namespaces);
        using var plan = builder.Build(99);
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        Assert.Equal(0, ChildExecutor.Run(plan.Header));
        var calls = FakeKernel.Recorded();

        var procSys = calls[0];
        Assert.Equal(Nr.openat2, procSys.Nr);
        Assert.Equal("proc/sys", procSys.S(1));
        Assert.Equal(Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_SYMLINKS, procSys.OpenHow[2]);
        // Proven to be procfs before anything is opened below it.
        Assert.Equal(new[] { Nr.fstatfs, Nr.fstat }, calls[1..3].Select(c => c.Nr));
        Assert.All(calls[1..3], c => Assert.Equal(FakeKernel.FirstFd, c.A0));
        var key = calls[3];
        Assert.Equal(Nr.openat2, key.Nr);
        Assert.Equal(FakeKernel.FirstFd, key.A0); // relative to the /proc/sys fd, not to the root
        Assert.Equal("net/ipv4/ip_forward", key.S(1));
        Assert.Equal(Flags.RESOLVE_BENEATH | Flags.RESOLVE_NO_XDEV | Flags.RESOLVE_NO_SYMLINKS, key.OpenHow[2]);
        // The key's file too, and only then the write.
        Assert.Equal(new[] { Nr.fstatfs, Nr.fstat }, calls[4..6].Select(c => c.Nr));
        Assert.All(calls[4..6], c => Assert.Equal(FakeKernel.FirstFd + 1, c.A0));
        Assert.Equal(Nr.write, calls[6].Nr);
        Assert.Equal(new[] { Nr.close, Nr.close }, calls[7..].Select(c => c.Nr));
    }

    /// <summary>A rootfs without a proc mount: its /proc/sys is the image's own directory, and nothing is written there.</summary>
    [Fact]
    public void ProcSys_NotOnProcfs_IsRefused_BeforeAnyKeyIsOpened()
    {
        using var namespaces = NamespaceSetup.Open([new LinuxNamespace { Type = "network" }]);
        var builder = new PlanBuilder();
        SysctlCompiler.Compile(builder, new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" }, namespaces);
        using var plan = builder.Build(99);
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.Foreign = FakeKernel.FdKind.ProcDir;
        Assert.Equal(1, ChildExecutor.Run(plan.Header));
        var calls = FakeKernel.Recorded();
        Assert.Single(calls, c => c.Nr == Nr.openat2);
        Assert.DoesNotContain(calls, c => c.Nr == Nr.write && c.A0 != 99);
        var rec = System.Runtime.InteropServices.MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(SyncRecord.AuxUnexpectedFile, rec.Aux);
        Assert.Equal("refusing to write linux.sysctl: /proc/sys in the container is not a procfs directory",
            Runsharp.Container.Process.InitLauncher.Describe(rec, plan.Descriptions));
    }
}
