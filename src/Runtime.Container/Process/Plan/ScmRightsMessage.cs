using Runsharp.Linux.Native;

namespace Runsharp.Container.Process.Plan;

/// <summary>
/// A prepared sendmsg(2) message carrying a payload and exactly one fd (SCM_RIGHTS), laid out in the plan's
/// arena. The fd is only known in the child, which writes it into <see cref="FdCell"/> before sending.
/// </summary>
public readonly record struct ScmRightsMessage(ArenaRef Message, ArenaRef FdCell)
{
    public static ScmRightsMessage Build(PlanBuilder plan, ReadOnlySpan<byte> payload)
    {
        var data = plan.Bytes(payload);
        // struct iovec { void* base; size_t len; }
        var iovBytes = new byte[16];
        BitConverter.TryWriteBytes(iovBytes.AsSpan(8), (ulong)payload.Length);
        var iov = plan.Bytes(iovBytes);
        plan.PointerAt(iov, 0, data);
        // struct cmsghdr { size_t len = CMSG_LEN(4) = 20; int level; int type; } + the fd.
        var cmsg = new byte[24];
        BitConverter.TryWriteBytes(cmsg.AsSpan(0), 20UL);
        BitConverter.TryWriteBytes(cmsg.AsSpan(8), Flags.SOL_SOCKET);
        BitConverter.TryWriteBytes(cmsg.AsSpan(12), Flags.SCM_RIGHTS);
        var control = plan.Bytes(cmsg);
        // struct msghdr { name; namelen; iov; iovlen; control; controllen; flags }
        var msgBytes = new byte[56];
        BitConverter.TryWriteBytes(msgBytes.AsSpan(24), 1UL);
        BitConverter.TryWriteBytes(msgBytes.AsSpan(40), 24UL);
        var msg = plan.Bytes(msgBytes);
        plan.PointerAt(msg, 16, iov);
        plan.PointerAt(msg, 32, control);
        return new ScmRightsMessage(msg, new ArenaRef(control.Offset + 16));
    }
}
