using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V1;

internal sealed class MemorySubsystem : ISubsystem
{
    const string Limit = "memory.limit_in_bytes";
    const string MemSw = "memory.memsw.limit_in_bytes";

    public string Name => "memory";

    public bool Wants(LinuxResources r) => r.Memory is { } m &&
        (IsSet(m.Limit) || IsSet(m.Swap) || IsSet(m.Reservation) || m.Swappiness is not null || m.DisableOOMKiller == true ||
         IsSet(m.Kernel) || IsSet(m.KernelTCP) || m.UseHierarchy is not null);

    public void Set(string dir, LinuxResources r)
    {
        var m = r.Memory!;
        // use_hierarchy can only change while the cgroup is empty and has no children: first.
        if (m.UseHierarchy is { } hierarchy)
            CgroupFiles.Write(dir, "memory.use_hierarchy", hierarchy ? "1" : "0");
        // Kernel memory limits are deprecated (the spec says NOT RECOMMENDED); kernels since 5.x accept the
        // kmem write and ignore it, newer ones drop the file. Write it where the file exists; a missing file
        // is not an error because there is nothing left in the kernel to limit.
        if (IsSet(m.Kernel) && CgroupFiles.Exists(dir, "memory.kmem.limit_in_bytes"))
            CgroupFiles.Write(dir, "memory.kmem.limit_in_bytes", Str(m.Kernel!.Value));
        SetLimitAndSwap(dir, m.Limit, m.Swap);
        if (IsSet(m.Reservation))
            CgroupFiles.Write(dir, "memory.soft_limit_in_bytes", Str(m.Reservation!.Value));
        // TCP buffer accounting is real (and limited) wherever the file exists.
        if (IsSet(m.KernelTCP))
            CgroupFiles.Write(dir, "memory.kmem.tcp.limit_in_bytes", Str(m.KernelTCP!.Value));
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
                WriteLimit(dir, limit!.Value);
                return;
            }
        }
        if (IsSet(limit))
            WriteLimit(dir, limit!.Value);
        if (IsSet(swap))
            CgroupFiles.Write(dir, MemSw, Str(swap!.Value));
    }

    /// <summary>The kernel refuses a limit below what the cgroup uses with EBUSY; say so with the numbers, in
    /// runc's words.</summary>
    static void WriteLimit(string dir, long limit)
    {
        try
        {
            CgroupFiles.Write(dir, Limit, Str(limit));
        }
        catch (CgroupException e) when (e.Errno == CgroupErrors.EBUSY)
        {
            ulong usage = CgroupFiles.ReadUInt64(dir, "memory.usage_in_bytes");
            ulong peak = CgroupFiles.ReadUInt64(dir, "memory.max_usage_in_bytes");
            throw new CgroupException($"unable to set memory limit to {limit} (current usage: {usage}, peak usage: {peak})", CgroupErrors.EBUSY);
        }
    }

    /// <summary>0 means unset for memory values, as in runc.</summary>
    static bool IsSet(long? v) => v is not null and not 0;
}
