using System.Runtime.InteropServices;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Container.Security;
using OciProcess = Runsharp.Spec.Process;
using Flags = Runsharp.Linux.Native.Flags;
using Nr = Runsharp.Linux.Native.Sys;

namespace Runsharp.Container.Tests;

/// <summary>
/// process.selinuxLabel and process.apparmorProfile are written to /proc/thread-self/attr only through procfs
/// proven to be procfs (CVE-2019-16884, CVE-2023-27561, CVE-2025-52881 classes): /proc opened without symlinks
/// and checked to be a procfs root, thread-self and the attr file opened below it without crossing a mount, and
/// the attr file checked to be a procfs file before the write. This host has no LSM: the integration side is
/// ProcAttrEscapeTests; here the plan itself is run against <see cref="FakeKernel"/>.
/// </summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class LsmAttrPlanTests
{
    private const string Label = "system_u:system_r:container_t:s0";
    private static readonly LsmHost Both = new(AppArmor: true, Selinux: true);

    private static NativePlan Compile(OciProcess process, LsmHost host)
    {
        var builder = new PlanBuilder();
        LinuxSecurityModules.Compile(builder, process, host);
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

    [Fact]
    public void SelinuxLabel_IsWritten_OnlyThroughAVerifiedProcfs()
    {
        using var plan = Compile(new OciProcess { SelinuxLabel = Label }, Both);
        var calls = Run(plan, FakeKernel.FdKind.Other, out int result);
        Assert.Equal(0, result);
        long proc = FakeKernel.FirstFd, thread = proc + 1, attr = proc + 2;

        Assert.Equal(Nr.openat2, calls[0].Nr);
        Assert.Equal((long)Flags.AT_FDCWD, calls[0].A0);
        Assert.Equal("proc", calls[0].S(1));
        Assert.Equal(Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_SYMLINKS, calls[0].OpenHow[2]);
        Assert.Equal(new[] { (Nr.fstatfs, proc), (Nr.fstat, proc) }, calls[1..3].Select(c => (c.Nr, c.A0)));

        Assert.Equal(Nr.openat2, calls[3].Nr);
        Assert.Equal(proc, calls[3].A0);
        Assert.Equal("thread-self", calls[3].S(1));
        Assert.Equal(Flags.RESOLVE_BENEATH | Flags.RESOLVE_NO_XDEV | Flags.RESOLVE_NO_MAGICLINKS, calls[3].OpenHow[2]);
        Assert.Equal(new[] { (Nr.fstatfs, thread), (Nr.fstat, thread) }, calls[4..6].Select(c => (c.Nr, c.A0)));

        Assert.Equal(Nr.openat2, calls[6].Nr);
        Assert.Equal(thread, calls[6].A0);
        Assert.Equal("attr/exec", calls[6].S(1));
        Assert.Equal((ulong)(Flags.O_WRONLY | Flags.O_CLOEXEC), calls[6].OpenHow[0]);
        Assert.Equal(Flags.RESOLVE_BENEATH | Flags.RESOLVE_NO_XDEV | Flags.RESOLVE_NO_SYMLINKS, calls[6].OpenHow[2]);
        Assert.Equal(new[] { (Nr.fstatfs, attr), (Nr.fstat, attr) }, calls[7..9].Select(c => (c.Nr, c.A0)));

        Assert.Equal(Nr.write, calls[9].Nr);
        Assert.Equal(attr, calls[9].A0);
        Assert.Equal(Label, Marshal.PtrToStringUTF8((nint)calls[9].A1, (int)calls[9].A2));
        Assert.Equal(new[] { attr, thread, proc }, calls[10..].Where(c => c.Nr == Nr.close).Select(c => c.A0));
    }

    [Fact]
    public void AppArmorProfile_GoesToAttrApparmorExec_AsAnExecCommand()
    {
        using var plan = Compile(new OciProcess { ApparmorProfile = "my-profile" }, Both);
        var calls = Run(plan, FakeKernel.FdKind.Other, out int result);
        Assert.Equal(0, result);
        var open = calls.Single(c => c.Nr == Nr.openat2 && c.S(1) == "attr/apparmor/exec");
        Assert.Equal(Flags.RESOLVE_BENEATH | Flags.RESOLVE_NO_XDEV | Flags.RESOLVE_NO_SYMLINKS, open.OpenHow[2]);
        var write = calls.Single(c => c.Nr == Nr.write);
        Assert.Equal("exec my-profile", Marshal.PtrToStringUTF8((nint)write.A1, (int)write.A2));
    }

    /// <summary>Something other than procfs where a procfs file or directory should be: the plan stops before the write, naming the field.</summary>
    [Theory]
    [InlineData(FakeKernel.FdKind.ProcRoot, "refusing to write process.selinuxLabel: /proc in the container is not the root of a procfs mount")]
    [InlineData(FakeKernel.FdKind.ProcDir, "refusing to write process.selinuxLabel: /proc/thread-self in the container is not a procfs directory")]
    [InlineData(FakeKernel.FdKind.ProcFile, "refusing to write process.selinuxLabel: /proc/thread-self/attr/exec in the container is not a procfs file")]
    public void ALookAlike_IsRefused_BeforeAnyWrite(FakeKernel.FdKind foreign, string message)
    {
        using var plan = Compile(new OciProcess { SelinuxLabel = Label }, Both);
        var calls = Run(plan, foreign, out int result);
        Assert.Equal(1 /* EPERM */, result);
        Assert.DoesNotContain(calls, c => c.Nr == Nr.write && c.A0 != 99);
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(SyncRecord.Error, rec.Kind);
        Assert.Equal(SyncRecord.AuxUnexpectedFile, rec.Aux);
        Assert.Equal(message, InitLauncher.Describe(rec, plan.Descriptions));
        Assert.Equal(Nr.exit_group, calls[^1].Nr);
    }

    /// <summary>A mount crossed on the way (EXDEV from openat2) fails the open, named.</summary>
    [Fact]
    public void AMountOverTheAttrFile_FailsTheOpen_Named()
    {
        using var plan = Compile(new OciProcess { SelinuxLabel = Label }, Both);
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.FailOnce(Nr.openat2, -18 /* EXDEV */, a0: FakeKernel.FirstFd + 1);
        Assert.Equal(18, ChildExecutor.Run(plan.Header)); // the fake's exit_group returns: Run gives the errno
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal("unable to open /proc/thread-self/attr/exec without symlinks or crossing a mount (process.selinuxLabel): invalid cross-device link",
            InitLauncher.Describe(rec, plan.Descriptions));
        Assert.DoesNotContain(FakeKernel.Recorded(), c => c.Nr == Nr.write && c.A0 != 99);
    }

    [Fact]
    public void WithoutTheLsm_TheFieldIsRefused_AtCompileTime()
    {
        var e = Assert.Throws<ContainerException>(() => Compile(new OciProcess { SelinuxLabel = Label }, new LsmHost(AppArmor: true, Selinux: false)));
        Assert.StartsWith("process.selinuxLabel:", e.Message);
        e = Assert.Throws<ContainerException>(() => Compile(new OciProcess { ApparmorProfile = "p" }, new LsmHost(AppArmor: false, Selinux: true)));
        Assert.StartsWith("process.apparmorProfile:", e.Message);
    }
}
