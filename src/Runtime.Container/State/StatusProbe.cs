using Runsharp.Linux;

namespace Runsharp.Container.State;

/// <summary>
/// A container's status is derived, never stored: the init's pid must be alive with the recorded start
/// time (a reused pid is someone else); a frozen cgroup means paused (even before `start`, as runc reports it);
/// exec.fifo still present means `start` has not run yet.
/// </summary>
public static class StatusProbe
{
    public static ContainerStatus Probe(StateStore store, ContainerRecord? record)
    {
        if (record is null) return ContainerStatus.Creating;
        // Unlike runc, a dead init means "stopped" even in a still-frozen cgroup (the OCI meaning: the container's
        // process has exited); whatever is left in the cgroup is delete's to kill.
        if (!IsAlive(record)) return ContainerStatus.Stopped;
        if (ContainerCgroup.IsPaused(record)) return ContainerStatus.Paused;
        if (File.Exists(Path.Combine(store.DirOf(record.Id), StateStore.ExecFifo))) return ContainerStatus.Created;
        return ContainerStatus.Running;
    }

    public static bool IsAlive(ContainerRecord record)
    {
        var stat = ProcessStat.Read(record.Pid);
        return stat is { IsZombieOrDead: false } s && s.StartTime == record.PidStartTime;
    }
}
