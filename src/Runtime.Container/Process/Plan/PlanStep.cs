using System.Runtime.InteropServices;

namespace Runsharp.Container.Process.Plan;

/// <summary>One fixed-size step of the child's plan, laid out in native memory.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct PlanStep
{
    public StepKind Kind;
    /// <summary>Slot that receives the step's result, or -1.</summary>
    public int ResultSlot;
    /// <summary>An errno that counts as success (EEXIST for mkdir, say), or 0.</summary>
    public int IgnoreErrno;
    /// <summary>Bit i set: argument i is a slot index, not a literal.</summary>
    public int SlotArgs;
    public long Nr;
    public fixed long Args[6];
}

/// <summary>The plan as the child sees it: everything it needs, in one native block made before the fork.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct PlanHeader
{
    /// <summary>The system call gate: the real one in production, a recording fake in tests.</summary>
    public delegate*<long, long, long, long, long, long, long, long> Syscall;
    public PlanStep* Steps;
    public long* Slots;
    public int StepCount;
    public int SlotCount;
    /// <summary>Where failures are reported as a <see cref="Child.SyncRecord"/>.</summary>
    public int SyncFd;
    public int Reserved;
}
