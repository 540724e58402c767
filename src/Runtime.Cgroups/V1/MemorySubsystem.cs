using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V1;

internal sealed class MemorySubsystem : ISubsystem
{
    const string Limit = "memory.limit_in_bytes";
    const string MemSw = "memory.memsw.limit_in_bytes";

    public string Name => "memory";

    public bool Wants(LinuxResources r) => r.Memory is { } m &&
        (IsSet(m.Limit) || IsSet(m.Swap) || IsSet(m.Reservation) || m.Swappiness is not null || m.DisableOOMKiller == true);

    public void Set(string dir, LinuxResources r)
    {
        var m = r.Memory!;
        SetLimitAndSwap(dir, m.Limit, m.Swap);
        if (IsSet(m.Reservation))
            CgroupFiles.Write(dir, "memory.soft_limit_in_bytes", Str(m.Reservation!.Value));
        if (m.DisableOOMKiller == true)
            CgroupFiles.Write(dir, "memory.oom_control", "1");
        // -1 as unsigned means "leave the kernel default".
        if (m.Swappiness is { } s && s != ulong.MaxValue)
        {
            if (s > 100)
                throw new CgroupException($"invalid memory swappiness value: {s} (valid range is 0-100)");
            CgroupFiles.Write(dir, "memory.swappiness", Str(s));
        }
    }

    /// <summary>The kernel keeps memsw >= limit at every step, so when both change we raise memsw first if the
    /// new memsw is above the current limit, otherwise lower the limit first.</summary>
    static void SetLimitAndSwap(string dir, long? limit, long? swap)
    {
        bool hasMemSw = CgroupFiles.Exists(dir, MemSw);
        if (limit == -1 && !IsSet(swap))
            swap = -1; // unlimited memory means unlimited memory+swap
        if (!hasMemSw)
            swap = null; // swap accounting is off in this kernel; nothing to keep in step
        if (IsSet(limit) && IsSet(swap))
        {
            ulong current = CgroupFiles.ReadUInt64(dir, Limit);
            if (swap == -1 || current < (ulong)swap!.Value)
            {
                CgroupFiles.Write(dir, MemSw, Str(swap!.Value));
                CgroupFiles.Write(dir, Limit, Str(limit!.Value));
                return;
            }
        }
        if (IsSet(limit))
            CgroupFiles.Write(dir, Limit, Str(limit!.Value));
        if (IsSet(swap))
            CgroupFiles.Write(dir, MemSw, Str(swap!.Value));
    }

    /// <summary>0 means unset for memory values, as in runc.</summary>
    static bool IsSet(long? v) => v is not null and not 0;
}
