using Runsharp.Cgroups.Devices;
using Runsharp.Linux.Bpf;

namespace Runsharp.Cgroups.Tests.Devices;

/// <summary>
/// A tiny eBPF interpreter for the instructions a device program may contain, run on the program's bytes
/// (encoded, then decoded again) with a struct bpf_cgroup_dev_ctx in r1. It refuses what the kernel's verifier
/// would: unknown opcodes, reading a register never written, a load not from the context or out of it,
/// a backward or out-of-range jump, and falling off the end. Writing it from the eBPF instruction-set
/// document (not from the emitter) is what makes it a check of the emitter.
/// </summary>
internal static class BpfInterpreter
{
    const int CtxSize = 12;

    public static bool Allows(byte[] programBytes, DeviceKind kind, uint major, uint minor, DeviceAccess access) =>
        Run(programBytes, ((uint)access << 16) | (uint)kind, major, minor) switch
        {
            1 => true,
            0 => false,
            var r => throw new InvalidOperationException($"a device program returns 0 or 1, not {r}"),
        };

    public static long Run(byte[] programBytes, uint accessType, uint major, uint minor)
    {
        var program = BpfInstruction.Decode(programBytes);
        var ctx = new byte[CtxSize];
        BitConverter.TryWriteBytes(ctx.AsSpan(0), accessType);
        BitConverter.TryWriteBytes(ctx.AsSpan(4), major);
        BitConverter.TryWriteBytes(ctx.AsSpan(8), minor);

        var reg = new ulong[11];
        var set = new bool[11];
        const ulong ctxPointer = 0xc0de_0000_0000;
        reg[1] = ctxPointer;
        set[1] = true;
        set[10] = true; // frame pointer

        ulong Read(int r) => set[r] ? reg[r] : throw new InvalidOperationException($"r{r} read before it was written");
        void Write(int r, ulong v)
        {
            if (r >= 10) throw new InvalidOperationException("r10 is read-only");
            reg[r] = v;
            set[r] = true;
        }

        for (int pc = 0, steps = 0; ; pc++, steps++)
        {
            if (pc >= program.Length) throw new InvalidOperationException("fell off the end of the program");
            if (steps > 10_000) throw new InvalidOperationException("too many steps");
            var i = program[pc];
            int cls = i.Code & 0x07;
            switch (cls)
            {
                case BpfOp.LDX:
                {
                    if (i.Code != (BpfOp.LDX | BpfOp.MEM | BpfOp.W)) throw Unknown(i, pc);
                    if (Read(i.Src) != ctxPointer)
                        throw new InvalidOperationException($"load at {pc} is not from the context");
                    if (i.Off < 0 || i.Off + 4 > CtxSize || i.Off % 4 != 0)
                        throw new InvalidOperationException($"load at {pc} reads ctx+{i.Off}, outside struct bpf_cgroup_dev_ctx");
                    Write(i.Dst, BitConverter.ToUInt32(ctx, i.Off));
                    break;
                }
                case BpfOp.ALU:
                {
                    uint operand = (i.Code & BpfOp.X) != 0 ? (uint)Read(i.Src) : (uint)i.Imm;
                    int op = i.Code & 0xf0;
                    uint result = op switch
                    {
                        BpfOp.MOV => operand,
                        BpfOp.AND => (uint)Read(i.Dst) & operand,
                        BpfOp.OR => (uint)Read(i.Dst) | operand,
                        BpfOp.RSH => operand < 32 ? (uint)Read(i.Dst) >> (int)operand : throw Unknown(i, pc),
                        BpfOp.ADD => (uint)Read(i.Dst) + operand,
                        _ => throw Unknown(i, pc),
                    };
                    Write(i.Dst, result); // 32-bit operations zero the upper half
                    break;
                }
                case BpfOp.JMP32:
                case BpfOp.JMP:
                {
                    int op = i.Code & 0xf0;
                    if (op == BpfOp.EXIT)
                    {
                        if (i.Code != (BpfOp.JMP | BpfOp.EXIT)) throw Unknown(i, pc);
                        return (long)Read(0);
                    }
                    bool taken;
                    if (op == BpfOp.JA)
                    {
                        if (cls != BpfOp.JMP) throw Unknown(i, pc);
                        taken = true;
                    }
                    else
                    {
                        if ((i.Code & BpfOp.X) != 0) throw Unknown(i, pc);
                        ulong left = Read(i.Dst), right = (ulong)(long)i.Imm; // the immediate is sign-extended
                        if (cls == BpfOp.JMP32) { left = (uint)left; right = (uint)right; }
                        taken = op switch
                        {
                            BpfOp.JEQ => left == right,
                            BpfOp.JNE => left != right,
                            BpfOp.JSET => (left & right) != 0,
                            _ => throw Unknown(i, pc),
                        };
                    }
                    if (i.Off < 0) throw new InvalidOperationException($"backward jump at {pc}");
                    if (pc + 1 + i.Off >= program.Length) throw new InvalidOperationException($"jump at {pc} leaves the program");
                    if (taken) pc += i.Off;
                    break;
                }
                default:
                    throw Unknown(i, pc);
            }
        }
    }

    static InvalidOperationException Unknown(BpfInstruction i, int pc) => new($"instruction {pc} {i} is not one a device program should use");
}
