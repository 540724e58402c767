using Runsharp.Linux.Native;

namespace Runsharp.Linux;

/// <summary>
/// The kernel's notification fds a single-threaded watcher needs: eventfd (cgroup v1 memory events),
/// inotify (cgroup v2 *.events files) and poll(2) over several fds. Every fd is O_CLOEXEC; the caller owns it.
/// </summary>
public static unsafe class Notify
{
    // x86_64 numbers; Tmds.LibC lacks these.
    const long SysEventfd2 = 290, SysInotifyInit1 = 294, SysInotifyAddWatch = 254;
    const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800, IN_CLOEXEC = 0x80000, IN_NONBLOCK = 0x800;

    /// <summary>IN_MODIFY: a cgroup v2 events file changed.</summary>
    public const uint InModify = 0x2;

    public const short PollIn = 0x1, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20;

    /// <summary>A non-blocking eventfd with counter 0.</summary>
    public static int EventFd(string action) => (int)Posix.Call(action, SysEventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK);

    /// <summary>A non-blocking inotify instance.</summary>
    public static int InotifyInit(string action) => (int)Posix.Call(action, SysInotifyInit1, IN_CLOEXEC | IN_NONBLOCK);

    /// <summary>Adds a watch; returns the watch descriptor or -errno.</summary>
    public static int TryInotifyAddWatch(int fd, string path, uint mask)
    {
        fixed (byte* p = Posix.Z(path)) return (int)RawSyscall.Invoke(SysInotifyAddWatch, fd, (long)p, mask);
    }

    /// <summary>Reads and discards everything queued on a non-blocking fd (eventfd counter, inotify records);
    /// returns how many bytes were pending (0 when nothing was).</summary>
    public static int Drain(int fd)
    {
        byte* buffer = stackalloc byte[4096];
        int total = 0;
        while (true)
        {
            long n = RawSyscall.Invoke(Sys.read, fd, (long)buffer, 4096);
            if (n == -Errno.EINTR) continue;
            if (n <= 0) return total;
            total += (int)n;
        }
    }

    /// <summary>poll(2) over <paramref name="fds"/> for POLLIN; fills <paramref name="revents"/> and returns the
    /// number of ready fds (0 on timeout). EINTR is retried with the same timeout, which only makes a wait
    /// longer, never shorter.</summary>
    public static int Poll(ReadOnlySpan<int> fds, Span<short> revents, int timeoutMs)
    {
        if (revents.Length < fds.Length) throw new ArgumentException("revents is shorter than fds", nameof(revents));
        // Posix.Poll, not RawSyscall: a call that blocks for seconds must leave the GC free to run. (Tmds.LibC's poll
        // does not keep errno for Marshal.GetLastPInvokeError, so its EINTR could not be told apart.)
        var pfds = stackalloc Tmds.Linux.pollfd[fds.Length];
        for (int i = 0; i < fds.Length; i++) pfds[i] = new Tmds.Linux.pollfd { fd = fds[i], events = PollIn };
        int r;
        do { r = Posix.Poll(pfds, fds.Length, timeoutMs); } while (r == -Errno.EINTR);
        if (r < 0) throw new LinuxException(-r, "poll");
        for (int i = 0; i < fds.Length; i++) revents[i] = pfds[i].revents;
        return r;
    }
}
