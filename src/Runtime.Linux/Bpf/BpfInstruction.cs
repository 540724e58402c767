using System.Buffers.Binary;

namespace Runsharp.Linux.Bpf;

/// <summary>
/// One eBPF instruction as the kernel reads it (struct bpf_insn, 8 bytes little-endian):
/// opcode, destination register in the low nibble and source register in the high nibble, a signed 16-bit
/// jump offset counted in instructions after this one, and a signed 32-bit immediate.
/// </summary>
public readonly record struct BpfInstruction(byte Code, byte Dst, byte Src, short Off, int Imm)
{
    public const int Size = 8;

    public void WriteTo(Span<byte> destination)
    {
        destination[0] = Code;
        destination[1] = (byte)((Dst & 0x0f) | ((Src & 0x0f) << 4));
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Off);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Imm);
    }

    public static BpfInstruction ReadFrom(ReadOnlySpan<byte> source) => new(
        source[0], (byte)(source[1] & 0x0f), (byte)(source[1] >> 4),
        BinaryPrimitives.ReadInt16LittleEndian(source[2..]), BinaryPrimitives.ReadInt32LittleEndian(source[4..]));

    /// <summary>The program as the bytes BPF_PROG_LOAD takes.</summary>
    public static byte[] Encode(IReadOnlyList<BpfInstruction> program)
    {
        var bytes = new byte[program.Count * Size];
        for (int i = 0; i < program.Count; i++)
            program[i].WriteTo(bytes.AsSpan(i * Size));
        return bytes;
    }

    public static BpfInstruction[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Size != 0)
            throw new ArgumentException($"an eBPF program is a multiple of {Size} bytes, not {bytes.Length}");
        var program = new BpfInstruction[bytes.Length / Size];
        for (int i = 0; i < program.Length; i++)
            program[i] = ReadFrom(bytes[(i * Size)..]);
        return program;
    }

    public override string ToString() => $"{{code 0x{Code:x2} dst r{Dst} src r{Src} off {Off} imm {Imm}}}";
}

/// <summary>The opcode bits (include/uapi/linux/bpf_common.h and bpf.h): class | operation | source.</summary>
public static class BpfOp
{
    // Instruction classes (low 3 bits).
    public const byte LDX = 0x01, ALU = 0x04, JMP = 0x05, JMP32 = 0x06, ALU64 = 0x07;

    // Memory size and mode for loads.
    public const byte W = 0x00, MEM = 0x60;

    // ALU operations (high 4 bits).
    public const byte ADD = 0x00, AND = 0x50, OR = 0x40, RSH = 0x70, MOV = 0xb0;

    // Jump operations (high 4 bits).
    public const byte JA = 0x00, JEQ = 0x10, JSET = 0x40, JNE = 0x50, EXIT = 0x90;

    // Operand source: the immediate (K) or the source register (X).
    public const byte K = 0x00, X = 0x08;
}
