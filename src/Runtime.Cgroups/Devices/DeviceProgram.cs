using Runsharp.Linux.Bpf;

namespace Runsharp.Cgroups.Devices;

/// <summary>
/// Compiles a <see cref="DevicePolicy"/> into a BPF_PROG_TYPE_CGROUP_DEVICE program. The kernel runs it for
/// every mknod and device open in the cgroup with a struct bpf_cgroup_dev_ctx in r1
/// ({ u32 access_type = access &lt;&lt; 16 | type; u32 major; u32 minor; }) and allows the operation when it
/// returns 1. Layout:
/// <code>
///   r2 = ctx->access_type; r3 = r2; r2 &amp;= 0xffff (type); r3 &gt;&gt;= 16 (access)
///   r4 = ctx->major; r5 = ctx->minor
///   one block per exception: a test per field that jumps to the next block on a mismatch, then
///     r0 = the exception's verdict; exit
///   r0 = the default verdict; exit
/// </code>
/// An exception of an allow list matches when it grants every access asked for; one of a deny list matches
/// when it shares any access asked for (the v1 rules, see <see cref="DevicePolicy.Allows"/>). Tests that
/// always pass (a wildcard number, all three accesses) are left out.
/// </summary>
public static class DeviceProgram
{
    const byte Ctx = BpfEmitter.R1, Type = BpfEmitter.R2, Access = BpfEmitter.R3, Major = BpfEmitter.R4, Minor = BpfEmitter.R5;

    public static BpfInstruction[] Compile(DevicePolicy policy)
    {
        var e = new BpfEmitter();
        e.LoadWord(Type, Ctx, 0).MoveRegister32(Access, Type).And32(Type, 0xffff).ShiftRight32(Access, 16)
         .LoadWord(Major, Ctx, 4).LoadWord(Minor, Ctx, 8);
        foreach (var exception in policy.Exceptions)
        {
            var next = e.NewLabel();
            e.JumpIfNotEqual32(Type, (uint)exception.Kind, next);
            var granted = (uint)exception.Access;
            if (exception.Access != DeviceAccess.All)
            {
                if (policy.DefaultAllow)
                {
                    // Deny list: no access in common with the exception -> not this one.
                    e.MoveRegister32(BpfEmitter.R0, Access).And32(BpfEmitter.R0, (int)granted).JumpIfEqual32(BpfEmitter.R0, 0, next);
                }
                else
                {
                    // Allow list: asks for anything the exception does not grant -> not this one.
                    e.JumpIfAnyBitSet32(Access, (uint)DeviceAccess.All & ~granted, next);
                }
            }
            if (exception.Major != DeviceRule.Any)
                e.JumpIfNotEqual32(Major, (uint)exception.Major, next);
            if (exception.Minor != DeviceRule.Any)
                e.JumpIfNotEqual32(Minor, (uint)exception.Minor, next);
            e.Move32(BpfEmitter.R0, policy.DefaultAllow ? 0 : 1).Exit();
            e.Place(next);
        }
        e.Move32(BpfEmitter.R0, policy.DefaultAllow ? 1 : 0).Exit();
        return e.Build();
    }
}
