using Runsharp.Spec;

namespace Runsharp.Container.Update;

/// <summary>What one `update` writes and what the container's resources are afterwards.</summary>
/// <param name="Apply">Only what the request changes, for ICgroupManager.Set (null members are left alone).</param>
/// <param name="Merged">The resources in effect afterwards, saved in state.json for the next update.</param>
/// <param name="Ignored">Request members update does not apply (kernel memory, devices), for a warning.</param>
public sealed record ResourcePlan(LinuxResources Apply, LinuxResources Merged, IReadOnlyList<string> Ignored);

/// <summary>
/// Turns an update request into the writes and the new saved resources. runc 1.1 semantics for its fields: a
/// zero (or empty string) means "leave as is"; a CPU quota or period given alone is written with the other's
/// current value; memory and swap are written only as given, so the kernel (v1) or the v2 swap conversion
/// judges the pair as runc's does. Beyond runc 1.1, the other LinuxResources members in a --resources file
/// (swappiness, OOM killer, burst, idle, block IO devices and throttles, huge pages, network, rdma, unified)
/// are applied too, as crun does; device rules never are (runc: update cannot change devices). Unlike runc,
/// which saves zeros for every flag not given, the saved resources keep the old values.
/// </summary>
public static class ResourceMerge
{
    public static ResourcePlan Plan(LinuxResources? current, LinuxResources request)
    {
        current ??= new LinuxResources();
        var apply = new LinuxResources();
        var merged = Clone(current);
        var ignored = new List<string>();

        if (request.Memory is { } m)
        {
            var am = new LinuxMemory
            {
                Limit = NonZero(m.Limit),
                Reservation = NonZero(m.Reservation),
                Swap = NonZero(m.Swap),
                Swappiness = m.Swappiness,
                DisableOOMKiller = m.DisableOOMKiller,
                UseHierarchy = m.UseHierarchy,
                CheckBeforeUpdate = m.CheckBeforeUpdate,
            };
            if (m.Kernel is not null and not 0) ignored.Add("memory.kernel");
            if (m.KernelTCP is not null and not 0) ignored.Add("memory.kernelTCP");
            if (HasAny(am))
            {
                apply.Memory = am;
                var mm = merged.Memory ??= new LinuxMemory();
                mm.Limit = am.Limit ?? mm.Limit;
                mm.Reservation = am.Reservation ?? mm.Reservation;
                mm.Swap = am.Swap ?? mm.Swap;
                mm.Swappiness = am.Swappiness ?? mm.Swappiness;
                mm.DisableOOMKiller = am.DisableOOMKiller ?? mm.DisableOOMKiller;
                mm.UseHierarchy = am.UseHierarchy ?? mm.UseHierarchy;
                mm.CheckBeforeUpdate = am.CheckBeforeUpdate ?? mm.CheckBeforeUpdate;
            }
        }

        if (request.Cpu is { } c)
        {
            var ac = new LinuxCpu
            {
                Shares = NonZero(c.Shares),
                Quota = NonZero(c.Quota),
                Period = NonZero(c.Period),
                RealtimeRuntime = NonZero(c.RealtimeRuntime),
                RealtimePeriod = NonZero(c.RealtimePeriod),
                Cpus = string.IsNullOrEmpty(c.Cpus) ? null : c.Cpus,
                Mems = string.IsNullOrEmpty(c.Mems) ? null : c.Mems,
                Burst = c.Burst,
                Idle = c.Idle,
            };
            // cpu.max on v2 is one "quota period" line and systemd wants both: complete the pair from what is set.
            if (ac.Quota is not null && ac.Period is null) ac.Period = NonZero(current.Cpu?.Period);
            if (ac.Period is not null && ac.Quota is null) ac.Quota = NonZero(current.Cpu?.Quota);
            if (HasAny(ac))
            {
                apply.Cpu = ac;
                var mc = merged.Cpu ??= new LinuxCpu();
                mc.Shares = ac.Shares ?? mc.Shares;
                mc.Quota = ac.Quota ?? mc.Quota;
                mc.Period = ac.Period ?? mc.Period;
                mc.RealtimeRuntime = ac.RealtimeRuntime ?? mc.RealtimeRuntime;
                mc.RealtimePeriod = ac.RealtimePeriod ?? mc.RealtimePeriod;
                mc.Cpus = ac.Cpus ?? mc.Cpus;
                mc.Mems = ac.Mems ?? mc.Mems;
                mc.Burst = ac.Burst ?? mc.Burst;
                mc.Idle = ac.Idle ?? mc.Idle;
            }
        }

        if (request.Pids?.Limit is { } pids and not 0)
        {
            apply.Pids = new LinuxPids { Limit = pids };
            merged.Pids = new LinuxPids { Limit = pids };
        }

        if (request.BlockIO is { } b)
        {
            var ab = new LinuxBlockIO
            {
                Weight = b.Weight is 0 ? null : b.Weight,
                LeafWeight = b.LeafWeight is 0 ? null : b.LeafWeight,
                WeightDevice = NullIfEmpty(b.WeightDevice),
                ThrottleReadBpsDevice = NullIfEmpty(b.ThrottleReadBpsDevice),
                ThrottleWriteBpsDevice = NullIfEmpty(b.ThrottleWriteBpsDevice),
                ThrottleReadIOPSDevice = NullIfEmpty(b.ThrottleReadIOPSDevice),
                ThrottleWriteIOPSDevice = NullIfEmpty(b.ThrottleWriteIOPSDevice),
            };
            if (ab.Weight is not null || ab.LeafWeight is not null || ab.WeightDevice is not null || ab.ThrottleReadBpsDevice is not null ||
                ab.ThrottleWriteBpsDevice is not null || ab.ThrottleReadIOPSDevice is not null || ab.ThrottleWriteIOPSDevice is not null)
            {
                apply.BlockIO = ab;
                var mb = merged.BlockIO ??= new LinuxBlockIO();
                mb.Weight = ab.Weight ?? mb.Weight;
                mb.LeafWeight = ab.LeafWeight ?? mb.LeafWeight;
                // The kernel keeps one rule per device: an update replaces that device's rule and keeps the others.
                mb.WeightDevice = Upsert(mb.WeightDevice, ab.WeightDevice, d => (d.Major, d.Minor));
                mb.ThrottleReadBpsDevice = Upsert(mb.ThrottleReadBpsDevice, ab.ThrottleReadBpsDevice, d => (d.Major, d.Minor));
                mb.ThrottleWriteBpsDevice = Upsert(mb.ThrottleWriteBpsDevice, ab.ThrottleWriteBpsDevice, d => (d.Major, d.Minor));
                mb.ThrottleReadIOPSDevice = Upsert(mb.ThrottleReadIOPSDevice, ab.ThrottleReadIOPSDevice, d => (d.Major, d.Minor));
                mb.ThrottleWriteIOPSDevice = Upsert(mb.ThrottleWriteIOPSDevice, ab.ThrottleWriteIOPSDevice, d => (d.Major, d.Minor));
            }
        }

        if (NullIfEmpty(request.HugepageLimits) is { } huge)
        {
            apply.HugepageLimits = huge;
            merged.HugepageLimits = Upsert(merged.HugepageLimits, huge, h => h.Pagesize);
        }

        if (request.Network is { } net && (net.ClassID is not null and not 0 || net.Priorities is { Count: > 0 }))
        {
            apply.Network = new LinuxNetwork { ClassID = net.ClassID is 0 ? null : net.ClassID, Priorities = NullIfEmpty(net.Priorities) };
            var mn = merged.Network ??= new LinuxNetwork();
            mn.ClassID = apply.Network.ClassID ?? mn.ClassID;
            mn.Priorities = Upsert(mn.Priorities, apply.Network.Priorities, p => p.Name);
        }

        if (request.Rdma is { Count: > 0 } rdma)
        {
            apply.Rdma = rdma;
            merged.Rdma = Overlay(merged.Rdma, rdma);
        }

        if (request.Unified is { Count: > 0 } unified)
        {
            apply.Unified = unified;
            merged.Unified = Overlay(merged.Unified, unified);
        }

        if (request.Devices is { Count: > 0 }) ignored.Add("devices");
        return new ResourcePlan(apply, merged, ignored);
    }

    /// <summary>True when the plan writes nothing (runc's `update ID` with no flags succeeds silently).</summary>
    public static bool IsEmpty(LinuxResources r) =>
        r.Memory is null && r.Cpu is null && r.Pids is null && r.BlockIO is null && r.HugepageLimits is null &&
        r.Network is null && r.Rdma is null && r.Unified is null && r.Devices is null;

    static long? NonZero(long? v) => v is 0 ? null : v;
    static ulong? NonZero(ulong? v) => v is 0 ? null : v;

    static bool HasAny(LinuxMemory m) =>
        m.Limit is not null || m.Reservation is not null || m.Swap is not null || m.Swappiness is not null ||
        m.DisableOOMKiller is not null || m.UseHierarchy is not null;

    static bool HasAny(LinuxCpu c) =>
        c.Shares is not null || c.Quota is not null || c.Period is not null || c.RealtimeRuntime is not null ||
        c.RealtimePeriod is not null || c.Cpus is not null || c.Mems is not null || c.Burst is not null || c.Idle is not null;

    static List<T>? NullIfEmpty<T>(List<T>? list) => list is { Count: > 0 } ? list : null;

    static List<T>? Upsert<T, TKey>(List<T>? existing, List<T>? updates, Func<T, TKey> key) where TKey : notnull
    {
        if (updates is null)
            return existing;
        var result = new List<T>(existing ?? []);
        foreach (var u in updates)
        {
            int i = result.FindIndex(e => EqualityComparer<TKey>.Default.Equals(key(e), key(u)));
            if (i >= 0) result[i] = u;
            else result.Add(u);
        }
        return result;
    }

    static Dictionary<string, T> Overlay<T>(Dictionary<string, T>? existing, Dictionary<string, T> updates)
    {
        var result = new Dictionary<string, T>(existing ?? [], StringComparer.Ordinal);
        foreach (var (k, v) in updates) result[k] = v;
        return result;
    }

    /// <summary>A deep copy through the JSON model, so the saved record never shares objects with the request.</summary>
    static LinuxResources Clone(LinuxResources r) =>
        SpecLoader.Parse(JsonOut.ToUtf8(ResourceShapes.Resources, r), ResourceShapes.Resources, "resources");
}
