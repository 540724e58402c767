using System.Globalization;
using Runsharp.Linux;

namespace Runsharp.Cgroups.Stats;

/// <summary>OOM notifications for one cgroup through a single fd that the caller polls (no threads).</summary>
public interface IOomWatch : IDisposable
{
    /// <summary>Becomes readable when something may have happened; then call <see cref="Collect"/>.</summary>
    int Fd { get; }

    /// <summary>Drains the fd and says how many OOM events to report since the last call (0 when the wake-up
    /// was about something else). Safe to call at any time; never blocks.</summary>
    int Collect();

    /// <summary>True once the kernel said the cgroup itself is gone (v1 signals removal on the same eventfd).</summary>
    bool CgroupRemoved { get; }
}

/// <summary>cgroup v1: an eventfd registered for memory.oom_control through cgroup.event_control. The kernel
/// signals it when the cgroup hits OOM, and once more when the cgroup is removed.</summary>
internal sealed class V1OomWatch : IOomWatch
{
    readonly string _dir;
    int _eventFd;
    int _controlFd;

    V1OomWatch(string dir, int eventFd, int controlFd)
    {
        _dir = dir;
        _eventFd = eventFd;
        _controlFd = controlFd;
    }

    internal static V1OomWatch? TryStart(string dir)
    {
        int control = Posix.TryOpen(Path.Combine(dir, "memory.oom_control"), Runsharp.Linux.Native.Flags.O_RDONLY);
        if (control == -CgroupErrors.ENOENT)
            return null;
        if (control < 0)
            throw new CgroupException($"unable to open 'memory.oom_control' in {dir}: {CgroupErrors.Text(-control)}", -control);
        int efd = -1;
        try
        {
            efd = Notify.EventFd("unable to create an eventfd for OOM notifications");
            // "<eventfd> <fd of the file to watch> <args>"; memory.oom_control takes no arguments.
            CgroupFiles.Write(dir, "cgroup.event_control",
                string.Create(CultureInfo.InvariantCulture, $"{efd} {control} "));
            return new V1OomWatch(dir, efd, control);
        }
        catch
        {
            Posix.Close(efd);
            Posix.Close(control);
            throw;
        }
    }

    public int Fd => _eventFd;

    public bool CgroupRemoved { get; private set; }

    public int Collect()
    {
        if (Notify.Drain(_eventFd) == 0)
            return 0;
        // The removal notice comes on the same fd: tell it apart by the cgroup being gone.
        if (!File.Exists(Path.Combine(_dir, "cgroup.event_control")))
        {
            CgroupRemoved = true;
            return 0;
        }
        return 1;
    }

    public void Dispose()
    {
        Posix.Close(_eventFd);
        Posix.Close(_controlFd);
        _eventFd = _controlFd = -1;
    }
}

/// <summary>cgroup v2: inotify on memory.events, reporting each time its oom_kill counter goes up.</summary>
internal sealed class V2OomWatch : IOomWatch
{
    readonly string _dir;
    int _inotify;
    ulong _seen;

    V2OomWatch(string dir, int inotify, ulong seen)
    {
        _dir = dir;
        _inotify = inotify;
        _seen = seen;
    }

    internal static V2OomWatch? TryStart(string dir)
    {
        // Without the memory controller there is no memory.events and nothing to watch.
        if (StatFiles.ValueByKey(dir, "memory.events", "oom_kill") is not { } seen)
            return null;
        int fd = Notify.InotifyInit("unable to create an inotify instance for OOM notifications");
        int wd = Notify.TryInotifyAddWatch(fd, Path.Combine(dir, "memory.events"), Notify.InModify);
        if (wd < 0)
        {
            Posix.Close(fd);
            throw new CgroupException($"unable to watch 'memory.events' in {dir}: {CgroupErrors.Text(-wd)}", -wd);
        }
        return new V2OomWatch(dir, fd, seen);
    }

    public int Fd => _inotify;

    public bool CgroupRemoved { get; private set; }

    public int Collect()
    {
        Notify.Drain(_inotify);
        ulong? now;
        try
        {
            now = StatFiles.ValueByKey(_dir, "memory.events", "oom_kill");
        }
        catch (CgroupException e) when (e.Errno == 19 /* ENODEV */)
        {
            now = null; // the cgroup was removed while we read
        }
        if (now is null)
        {
            CgroupRemoved = true;
            return 0;
        }
        if (now.Value <= _seen)
            return 0;
        _seen = now.Value;
        return 1;
    }

    public void Dispose()
    {
        Posix.Close(_inotify);
        _inotify = -1;
    }
}
