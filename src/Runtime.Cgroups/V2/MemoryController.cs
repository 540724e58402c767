using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V2;

/// <summary>memory.max / memory.low / memory.swap.max. Swappiness and the OOM-killer switch have no v2 file.</summary>
internal sealed class MemoryController : IController
{
    public string Name => "memory";

    public bool Wants(LinuxResources r) => r.Memory is { } m &&
        (m.Limit is not null and not 0 || m.Swap is not null and not 0 || m.Reservation is not null and not 0);

    public void Set(string dir, LinuxResources r)
    {
        var m = r.Memory!;
        if (m.CheckBeforeUpdate == true)
            CheckUsage(dir, m.Limit, m.Swap);
        // swap.max is independent of memory.max in v2, but set it first so a new limit never applies with
        // the old swap allowance.
        if (SwapToV2(m.Swap, m.Limit) is { } swap)
        {
            if (CgroupFiles.Exists(dir, "memory.swap.max"))
                CgroupFiles.Write(dir, "memory.swap.max", V2Limit(swap));
            else if (swap != -1)
                throw new CgroupException($"unable to set swap limit in {dir}: memory.swap.max is missing (swap accounting is off)");
        }
        if (m.Limit is { } limit and not 0)
            CgroupFiles.Write(dir, "memory.max", V2Limit(limit));
        if (m.Reservation is { } low and not 0)
            CgroupFiles.Write(dir, "memory.low", V2Limit(low));
    }

    /// <summary>linux.resources.memory.checkBeforeUpdate: v2 would OOM-kill to get under a limit below the current
    /// usage (v1 refuses with EBUSY), so refuse such a limit first. Best effort, as runc: no usage file, no check.</summary>
    static void CheckUsage(string dir, long? limit, long? swap)
    {
        if (!CgroupFiles.Exists(dir, "memory.current"))
            return;
        ulong usage;
        try
        {
            usage = CgroupFiles.ReadUInt64(dir, "memory.current");
        }
        catch (CgroupException)
        {
            return;
        }
        if (swap is > 0 && (ulong)swap.Value <= usage)
            throw new CgroupException($"rejecting memory+swap limit {swap} <= usage {usage}");
        if (limit is > 0 && (ulong)limit.Value <= usage)
            throw new CgroupException($"rejecting memory limit {limit} <= usage {usage}");
    }
}
