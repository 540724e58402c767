using System.Runtime.InteropServices;
using System.Text;
using Runsharp.Container.Process.Child;

namespace Runsharp.Container.Process.Plan;

/// <summary>An argument of a plan step: a literal, a pointer into the arena, or an earlier step's result.</summary>
public readonly record struct Arg(long Value, ArgSource Source)
{
    public static implicit operator Arg(long v) => new(v, ArgSource.Literal);
    public static implicit operator Arg(ArenaRef r) => new(r.Offset, ArgSource.Arena);
    public static implicit operator Arg(Slot s) => new(s.Index, ArgSource.Slot);
}

public enum ArgSource { Literal, Arena, Slot }

/// <summary>An offset into the plan's arena, turned into a pointer when the plan is built.</summary>
public readonly record struct ArenaRef(int Offset);

/// <summary>A result register: a step stores its return value there, later steps read it.</summary>
public readonly record struct Slot(int Index);

/// <summary>
/// Collects steps, strings and buffers in managed memory, then lays them out in one native block.
/// Each step carries a description (what it does and which spec field asked for it) that stays in the
/// parent, so a child's {step, errno} becomes a message such as
/// "unable to mount proc on /proc (mounts[0]): permission denied".
/// </summary>
public sealed class PlanBuilder
{
    private readonly List<(StepKind Kind, long Nr, Arg[] Args, Slot? Result, int IgnoreErrno)> _steps = [];
    private readonly List<string> _descriptions = [];
    private readonly List<byte> _arena = [];
    private readonly List<(int At, ArenaRef Target)> _pointerFixups = [];
    private int _slots;

    public int StepCount => _steps.Count;
    public IReadOnlyList<string> Descriptions => _descriptions;

    public Slot NewSlot() => new(_slots++);

    public ArenaRef String(string s) => Bytes(Encoding.UTF8.GetBytes(s + "\0"));

    public ArenaRef Bytes(ReadOnlySpan<byte> data)
    {
        Align(8);
        int at = _arena.Count;
        foreach (var b in data) _arena.Add(b);
        return new ArenaRef(at);
    }

    public ArenaRef Zeroed(int length) => Bytes(new byte[length]);

    /// <summary>A null-terminated array of pointers to other arena items (argv, envp, candidate paths).</summary>
    public ArenaRef PointerArray(IReadOnlyList<ArenaRef> items)
    {
        var at = Zeroed((items.Count + 1) * 8);
        for (int i = 0; i < items.Count; i++) _pointerFixups.Add((at.Offset + i * 8, items[i]));
        return at;
    }

    /// <summary>Writes a pointer to <paramref name="target"/> at byte <paramref name="offset"/> of <paramref name="at"/> when built.</summary>
    public void PointerAt(ArenaRef at, int offset, ArenaRef target) => _pointerFixups.Add((at.Offset + offset, target));

    public void Syscall(string description, long nr, Arg a0 = default, Arg a1 = default, Arg a2 = default,
        Arg a3 = default, Arg a4 = default, Arg a5 = default, Slot? result = null, int ignoreErrno = 0) =>
        Add(description, StepKind.Syscall, nr, [a0, a1, a2, a3, a4, a5], result, ignoreErrno);

    public void Step(string description, StepKind kind, Arg a0 = default, Arg a1 = default, Arg a2 = default,
        Arg a3 = default, Arg a4 = default, Arg a5 = default, Slot? result = null, int ignoreErrno = 0) =>
        Add(description, kind, 0, [a0, a1, a2, a3, a4, a5], result, ignoreErrno);

    private void Add(string description, StepKind kind, long nr, Arg[] args, Slot? result, int ignoreErrno)
    {
        _steps.Add((kind, nr, args, result, ignoreErrno));
        _descriptions.Add(description);
    }

    private void Align(int n)
    {
        while (_arena.Count % n != 0) _arena.Add(0);
    }

    public unsafe NativePlan Build(int syncFd)
    {
        int headerSize = sizeof(PlanHeader);
        int stepsSize = _steps.Count * sizeof(PlanStep);
        int slotsSize = Math.Max(1, _slots) * 8;
        int arenaAt = headerSize + stepsSize + slotsSize;
        nuint total = (nuint)(arenaAt + _arena.Count + 8);
        byte* block = (byte*)NativeMemory.AllocZeroed(total);

        var header = (PlanHeader*)block;
        header->Syscall = &ChildExecutor.RealSyscall;
        header->Steps = (PlanStep*)(block + headerSize);
        header->Slots = (long*)(block + headerSize + stepsSize);
        header->StepCount = _steps.Count;
        header->SlotCount = _slots;
        header->SyncFd = syncFd;

        byte* arena = block + arenaAt;
        for (int i = 0; i < _arena.Count; i++) arena[i] = _arena[i];
        foreach (var (at, target) in _pointerFixups) *(byte**)(arena + at) = arena + target.Offset;

        for (int i = 0; i < _steps.Count; i++)
        {
            var (kind, nr, args, result, ignore) = _steps[i];
            PlanStep* s = header->Steps + i;
            s->Kind = kind;
            s->Nr = nr;
            s->ResultSlot = result?.Index ?? -1;
            s->IgnoreErrno = ignore;
            for (int k = 0; k < 6; k++)
            {
                var arg = args[k];
                s->Args[k] = arg.Source switch
                {
                    ArgSource.Arena => (long)(arena + arg.Value),
                    _ => arg.Value,
                };
                if (arg.Source == ArgSource.Slot) s->SlotArgs |= 1 << k;
            }
        }
        for (int i = 0; i < _slots; i++) header->Slots[i] = -1;
        return new NativePlan(header, total, _descriptions.ToArray());
    }
}

/// <summary>The built plan. Freed deterministically (no finalizer: nothing may be pending at fork time).</summary>
public sealed unsafe class NativePlan(PlanHeader* header, nuint size, string[] descriptions) : IDisposable
{
    public PlanHeader* Header { get; private set; } = header;
    public nuint Size { get; } = size;
    public IReadOnlyList<string> Descriptions { get; } = descriptions;

    public void Dispose()
    {
        if (Header != null) NativeMemory.Free(Header);
        Header = null;
    }
}
