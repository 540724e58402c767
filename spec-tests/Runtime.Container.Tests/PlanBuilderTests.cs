using System.Runtime.InteropServices;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Nr = Runsharp.Linux.Native.Sys;

namespace Runsharp.Container.Tests;

/// <summary>The native layout of a plan: arena pointers, pointer fix-ups, slots, and how the executor reads them.</summary>
[Collection(FakeKernelCollection.Name)]
public sealed unsafe class PlanBuilderTests
{
    [Fact]
    public void Build_LaysOutHeaderStepsSlotsAndArena()
    {
        var b = new PlanBuilder();
        var s = b.NewSlot();
        var hello = b.String("hello");
        b.Syscall("first", Nr.getpid, 1, hello, result: s);
        b.Step("second", StepKind.ReadByte, s, ignoreErrno: 17);
        using var plan = b.Build(syncFd: 42);
        var h = plan.Header;

        Assert.Equal(2, h->StepCount);
        Assert.Equal(1, h->SlotCount);
        Assert.Equal(42, h->SyncFd);
        Assert.True(h->Syscall != null); // the real gate (comparing function pointers is not reliable)
        Assert.Equal(-1, h->Slots[0]);
        Assert.Equal(["first", "second"], plan.Descriptions);

        var first = h->Steps[0];
        Assert.Equal(StepKind.Syscall, first.Kind);
        Assert.Equal(Nr.getpid, first.Nr);
        Assert.Equal(0, first.ResultSlot);
        Assert.Equal(0, first.SlotArgs);
        Assert.Equal(1, first.Args[0]);
        Assert.Equal("hello", Marshal.PtrToStringUTF8((nint)first.Args[1]));
        // Strings are NUL-terminated and 8-aligned; every pointer lies inside the plan's block.
        Assert.Equal(0, first.Args[1] % 8);
        Assert.Equal(0, ((byte*)first.Args[1])[5]);
        Assert.InRange(first.Args[1], (long)h, (long)h + (long)plan.Size - 6);

        var second = h->Steps[1];
        Assert.Equal(StepKind.ReadByte, second.Kind);
        Assert.Equal(-1, second.ResultSlot);
        Assert.Equal(17, second.IgnoreErrno);
        Assert.Equal(1, second.SlotArgs); // argument 0 is a slot
        Assert.Equal(0, second.Args[0]);  // ... slot index 0
    }

    [Fact]
    public void PointerArray_EntriesPointAtTheirStrings_AndEndWithNull()
    {
        var b = new PlanBuilder();
        var items = new[] { "sh", "-c", "echo héllo", "" }.Select(b.String).ToList();
        b.Zeroed(13); // something in between, to move offsets
        var arr = b.PointerArray(items);
        var empty = b.PointerArray([]);
        b.Syscall("x", Nr.execve, items[0], arr, empty);
        using var plan = b.Build(3);
        var step = plan.Header->Steps[0];

        Assert.Equal(["sh", "-c", "echo héllo", ""], FakeKernel.StrArray(step.Args[1]));
        Assert.Equal(step.Args[0], (long)((byte**)step.Args[1])[0]);
        Assert.True(((byte**)step.Args[1])[4] == null);
        Assert.True(((byte**)step.Args[2])[0] == null);
    }

    [Fact]
    public void PointerAt_WritesAPointerInsideAStruct()
    {
        var b = new PlanBuilder();
        var name = b.String("/dev/ptmx");
        var iov = b.Bytes(new byte[16]);
        b.PointerAt(iov, 8, name);
        b.Syscall("x", Nr.write, iov);
        using var plan = b.Build(3);
        long* words = (long*)plan.Header->Steps[0].Args[0];
        Assert.Equal(0, words[0]);
        Assert.Equal("/dev/ptmx", Marshal.PtrToStringUTF8((nint)words[1]));
    }

    [Fact]
    public void Executor_ResolvesSlotArguments_FromEarlierResults()
    {
        var b = new PlanBuilder();
        var fdA = b.NewSlot();
        var fdB = b.NewSlot();
        var path = b.String("a");
        b.Syscall("open a", Nr.openat, -100, path, 0, result: fdA);
        b.Syscall("open b", Nr.openat, fdA, path, 0, result: fdB);
        b.Syscall("use both", Nr.dup3, fdB, fdA, 7);
        var buf = b.Zeroed(32);
        b.Step("format", StepKind.FormatFdPath, buf, fdB);
        b.Syscall("mount", Nr.mount, 0, buf, 0, 0, 0);
        b.Syscall("close a", Nr.close, fdA);
        using var plan = b.Build(3);

        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        Assert.Equal(0, ChildExecutor.Run(plan.Header));
        var calls = FakeKernel.Recorded();

        long a = FakeKernel.FirstFd, bfd = FakeKernel.FirstFd + 1;
        Assert.Equal(-100, calls[0].A0);
        Assert.Equal(a, calls[1].A0);                                     // slot -> first result
        Assert.Equal(new Call(Nr.dup3, bfd, a, 7, 0, 0, 0), calls[2]);     // literal stays literal
        Assert.Equal($"/proc/self/fd/{bfd}", FakeKernel.Str(calls[3].A1)); // FormatFdPath made no call
        Assert.Equal(new Call(Nr.close, a, 0, 0, 0, 0, 0), calls[4]);
        Assert.Equal(a, plan.Header->Slots[0]);
        Assert.Equal(bfd, plan.Header->Slots[1]);
    }

    [Fact]
    public void Executor_IgnoresOnlyTheStepsOwnErrno()
    {
        var b = new PlanBuilder();
        b.Syscall("mkdir", Nr.mkdirat, -100, b.String("x"), 0x1ed, ignoreErrno: 17);
        b.Syscall("unlink", Nr.unlinkat, -100, b.String("x"), 0, ignoreErrno: 2);
        using var plan = b.Build(3);

        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.FailOnce(Nr.mkdirat, -17);
        Assert.Equal(0, ChildExecutor.Run(plan.Header));
        Assert.Empty(FakeKernel.SyncWritten());

        FakeKernel.Reset();
        FakeKernel.SyncFd = 3;
        FakeKernel.FailOnce(Nr.unlinkat, -17);
        Assert.Equal(17, ChildExecutor.Run(plan.Header));
        var rec = MemoryMarshal.Read<SyncRecord>(FakeKernel.SyncWritten());
        Assert.Equal(new SyncRecord { Kind = SyncRecord.Error, Step = 1, Errno = 17 }, rec);
        Assert.Equal("unlink: file exists", InitLauncher.Describe(rec, plan.Descriptions));
    }

    [Fact]
    public void Executor_IgnoredFailure_IsStoredInItsSlot()
    {
        var b = new PlanBuilder();
        var s = b.NewSlot();
        b.Syscall("open", Nr.openat, -100, b.String("x"), 0, result: s, ignoreErrno: 2);
        b.Syscall("close", Nr.close, s);
        using var plan = b.Build(3);
        FakeKernel.Reset();
        FakeKernel.Install(plan.Header);
        FakeKernel.FailOnce(Nr.openat, -2);
        Assert.Equal(0, ChildExecutor.Run(plan.Header));
        // The ignored failure leaves -2 in the slot, and the close sees it (closing -2 is harmless: EBADF).
        Assert.Equal(-2, FakeKernel.Recorded()[1].A0);
    }

    private static object? _sink;
    private static long AllocatingGate(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
    {
        _sink = new byte[64];
        return 0;
    }

    /// <summary>Control for the no-allocation tests: the measurement does see an allocation made under Run.</summary>
    [Fact]
    public void AllocationCounter_SeesAnAllocatingGate()
    {
        var b = new PlanBuilder();
        b.Syscall("x", Nr.getpid);
        using var plan = b.Build(3);
        plan.Header->Syscall = &AllocatingGate;
        ChildExecutor.Run(plan.Header);
        long before = GC.GetAllocatedBytesForCurrentThread();
        ChildExecutor.Run(plan.Header);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before >= 64);
        Assert.NotNull(_sink);
    }

    [Fact]
    public void SyncRecord_IsSixteenBytes()
    {
        Assert.Equal(16, sizeof(SyncRecord));
        Assert.Equal(8 + 8 + 8 + 4 + 4 + 4 + 4, sizeof(PlanHeader));
        Assert.Equal(4 * 4 + 8 + 6 * 8, sizeof(PlanStep));
    }

    [Fact]
    public void Describe_UnknownStep_AndErrnoWording()
    {
        string[] d = ["unable to do a thing (x.y)"];
        Assert.Equal("unable to do a thing (x.y): operation not permitted", InitLauncher.Describe(new SyncRecord { Kind = 2, Step = 0, Errno = 1 }, d));
        Assert.Equal("step 5: no such file or directory", InitLauncher.Describe(new SyncRecord { Kind = 2, Step = 5, Errno = 2 }, d));
        Assert.Equal("step -1: permission denied", InitLauncher.Describe(new SyncRecord { Kind = 2, Step = -1, Errno = 13 }, d));
    }
}
