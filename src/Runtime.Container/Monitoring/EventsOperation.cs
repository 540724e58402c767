using Runsharp.Cgroups;
using Runsharp.Cgroups.Stats;
using Runsharp.Container.State;
using Runsharp.Linux;

namespace Runsharp.Container.Monitoring;

/// <summary>
/// `events`: the container's cgroup usage once (--stats) or every interval, with an "oom" event whenever the
/// kernel OOM-kills in the cgroup. One thread: poll(2) waits on the init's pidfd and the OOM fd with the time
/// left to the next tick as its timeout. The stream ends when the init exits (runc 1.1 ends it there on v2 and
/// only when the cgroup is removed on v1; stats of a stopped container would not move). No lock is held, so
/// kill and delete are never held up by a watcher.
/// </summary>
public sealed class EventsOperation(StateStore store, Action<string> writeLine, Action<string>? debug = null, Action<string>? warn = null)
{
    public void Stats(string id)
    {
        var (record, cgroup) = Open(id);
        writeLine(StatsEvent(record.Id, cgroup.GetStats()).ToJson());
    }

    public void Stream(string id, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero) throw new ContainerException("duration interval must be greater than 0");
        var (record, cgroup) = Open(id);
        int pidfd = Posix.PidfdOpen(record.Pid);
        if (pidfd < 0 || !StatusProbe.IsAlive(record))
        {
            Posix.Close(pidfd);
            throw NotRunning(id);
        }
        IOomWatch? oom = null;
        try
        {
            oom = cgroup.WatchOom();
            if (oom is null) debug?.Invoke($"events {id}: no memory controller, so no OOM notifications");
            Loop(record.Id, cgroup, pidfd, oom, interval);
        }
        finally
        {
            oom?.Dispose();
            Posix.Close(pidfd);
        }
    }

    private void Loop(string id, ICgroupManager cgroup, int pidfd, IOomWatch? oom, TimeSpan interval)
    {
        long intervalMs = Math.Max(1, (long)Math.Ceiling(interval.TotalMilliseconds));
        long nextTick = Environment.TickCount64 + intervalMs;
        Span<int> fds = [pidfd, oom?.Fd ?? -1];
        Span<short> ready = stackalloc short[2];
        while (true)
        {
            long wait = Math.Max(0, nextTick - Environment.TickCount64);
            // A negative fd is skipped by poll(2), so a missing OOM watch needs no other shape.
            Notify.Poll(fds, ready, (int)Math.Min(wait, int.MaxValue));
            if (oom is not null && ready[1] != 0 && ReportOom(id, oom))
                return;
            if (ready[0] != 0)
            {
                // The init is gone: an OOM kill that ended it may be queued still, so look once more.
                if (oom is not null) ReportOom(id, oom);
                debug?.Invoke($"events {id}: the container stopped");
                return;
            }
            long now = Environment.TickCount64;
            if (now < nextTick) continue;
            // A slow tick moves the schedule instead of bursting to catch up.
            nextTick = Math.Max(nextTick + intervalMs, now + 1);
            CgroupStats stats;
            try { stats = cgroup.GetStats(); }
            catch (CgroupException e)
            {
                // As runc: a failed read is logged and the stream goes on.
                warn?.Invoke($"unable to read the container's stats: {e.Message}");
                continue;
            }
            writeLine(StatsEvent(id, stats).ToJson());
        }
    }

    /// <summary>Writes the pending OOM events; true when the cgroup itself went away (the stream is over).</summary>
    private bool ReportOom(string id, IOomWatch oom)
    {
        for (int n = oom.Collect(); n > 0; n--)
            writeLine(new ContainerEvent { Type = ContainerEvent.OomType, Id = id }.ToJson());
        return oom.CgroupRemoved;
    }

    private (ContainerRecord Record, ICgroupManager Cgroup) Open(string id)
    {
        var record = store.Read(id);
        if (StatusProbe.Probe(store, record) is State.ContainerStatus.Stopped) throw NotRunning(id);
        var cgroup = RecordedCgroup.Load(record)
            ?? throw new ContainerException("cannot read the container's stats: it has no cgroup (it could not join or create one)");
        return (record, cgroup);
    }

    private static ContainerException NotRunning(string id) => new($"container with id {id} is not running");

    private static ContainerEvent StatsEvent(string id, CgroupStats stats) => new() { Type = ContainerEvent.StatsType, Id = id, Data = stats };
}
