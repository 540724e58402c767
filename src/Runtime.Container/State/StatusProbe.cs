using Runsharp.Linux;

namespace Runsharp.Container.State;

/// <summary>
/// A container's status is derived, never stored: the init's pid must be alive with the recorded start
/// time (a reused pid is someone else); a frozen cgroup means paused (even before `start`, as runc reports it);
/// exec.fifo still present means `start` has not run yet.
/// </summary>
public static class StatusProbe
{
    /// <param name="locked">true when the caller holds the container's lock: then no create can be in progress.</param>
    public static ContainerStatus Probe(StateStore store, string id, ContainerRecord? record, bool locked = false)
    {
        if (IsUnfinished(record))
        {
            // No init recorded: a create is still at work (it holds the lock), or it was killed half-way,
            // and a container that never finished creating is stopped (delete removes what it left).
            return !locked && store.IsLocked(id) ? ContainerStatus.Creating : ContainerStatus.Stopped;
        }
        // Unlike runc, a dead init means "stopped" even in a still-frozen cgroup (the OCI meaning: the container's
        // process has exited); whatever is left in the cgroup is delete's to kill.
        if (!IsAlive(record!)) return ContainerStatus.Stopped;
        if (ContainerCgroup.IsPaused(record!)) return ContainerStatus.Paused;
        if (File.Exists(Path.Combine(store.DirOf(id), StateStore.ExecFifo))) return ContainerStatus.Created;
        return ContainerStatus.Running;
    }

    /// <summary>No state.json (or an unreadable one), or the record a create writes before it has an init.</summary>
    public static bool IsUnfinished(ContainerRecord? record) => record is null || record.Pid <= 0;

    public static bool IsAlive(ContainerRecord record)
    {
        var stat = ProcessStat.Read(record.Pid);
        return stat is { IsZombieOrDead: false } s && s.StartTime == record.PidStartTime;
    }
}
