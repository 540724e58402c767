namespace Runsharp.Linux.Bpf;

/// <summary>
/// Writes the few eBPF instructions runsharp needs, with forward jumps to named places (labels) patched when
/// the program is built. Only forward jumps: the verifier refuses loops in the programs we load anyway.
/// Comparisons use the 32-bit jump class so an immediate such as 0xffffffff compares as an unsigned 32-bit
/// number instead of being sign-extended to 64 bits.
/// </summary>
public sealed class BpfEmitter
{
    public const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

    readonly List<BpfInstruction> _code = [];
    readonly List<int> _labels = [];           // label -> instruction index, -1 until placed
    readonly List<(int At, int Label)> _jumps = [];

    public int Count => _code.Count;

    public int NewLabel()
    {
        _labels.Add(-1);
        return _labels.Count - 1;
    }

    /// <summary>The next instruction emitted is where <paramref name="label"/> jumps to.</summary>
    public void Place(int label)
    {
        if (_labels[label] >= 0) throw new InvalidOperationException($"label {label} placed twice");
        _labels[label] = _code.Count;
    }

    /// <summary>dst = *(u32 *)(src + off)</summary>
    public BpfEmitter LoadWord(byte dst, byte src, short off) => Add(new(BpfOp.LDX | BpfOp.MEM | BpfOp.W, dst, src, off, 0));

    /// <summary>dst = imm (32-bit; the upper half becomes 0)</summary>
    public BpfEmitter Move32(byte dst, int imm) => Add(new(BpfOp.ALU | BpfOp.MOV | BpfOp.K, dst, 0, 0, imm));

    /// <summary>dst = src (32-bit)</summary>
    public BpfEmitter MoveRegister32(byte dst, byte src) => Add(new(BpfOp.ALU | BpfOp.MOV | BpfOp.X, dst, src, 0, 0));

    /// <summary>dst &amp;= imm (32-bit)</summary>
    public BpfEmitter And32(byte dst, int imm) => Add(new(BpfOp.ALU | BpfOp.AND | BpfOp.K, dst, 0, 0, imm));

    /// <summary>dst &gt;&gt;= imm (32-bit, logical)</summary>
    public BpfEmitter ShiftRight32(byte dst, int imm) => Add(new(BpfOp.ALU | BpfOp.RSH | BpfOp.K, dst, 0, 0, imm));

    /// <summary>if ((u32)reg != (u32)imm) goto label</summary>
    public BpfEmitter JumpIfNotEqual32(byte reg, uint imm, int label) => AddJump(BpfOp.JMP32 | BpfOp.JNE | BpfOp.K, reg, imm, label);

    /// <summary>if ((u32)reg == (u32)imm) goto label</summary>
    public BpfEmitter JumpIfEqual32(byte reg, uint imm, int label) => AddJump(BpfOp.JMP32 | BpfOp.JEQ | BpfOp.K, reg, imm, label);

    /// <summary>if ((u32)reg &amp; imm) goto label</summary>
    public BpfEmitter JumpIfAnyBitSet32(byte reg, uint imm, int label) => AddJump(BpfOp.JMP32 | BpfOp.JSET | BpfOp.K, reg, imm, label);

    /// <summary>goto label</summary>
    public BpfEmitter Jump(int label) => AddJump(BpfOp.JMP | BpfOp.JA, 0, 0, label);

    /// <summary>return r0</summary>
    public BpfEmitter Exit() => Add(new(BpfOp.JMP | BpfOp.EXIT, 0, 0, 0, 0));

    /// <summary>The finished program with every jump offset filled in.</summary>
    public BpfInstruction[] Build()
    {
        var program = _code.ToArray();
        foreach (var (at, label) in _jumps)
        {
            int target = _labels[label];
            if (target < 0) throw new InvalidOperationException($"label {label} was never placed");
            if (target >= program.Length) throw new InvalidOperationException($"label {label} is past the last instruction");
            int off = target - (at + 1);
            if (off < 0 || off > short.MaxValue) throw new InvalidOperationException($"jump from {at} to {target} is not a short forward jump");
            program[at] = program[at] with { Off = (short)off };
        }
        return program;
    }

    BpfEmitter Add(BpfInstruction instruction)
    {
        _code.Add(instruction);
        return this;
    }

    BpfEmitter AddJump(int code, byte reg, uint imm, int label)
    {
        _jumps.Add((_code.Count, label));
        return Add(new((byte)code, reg, 0, 0, unchecked((int)imm)));
    }
}
