using Runsharp.Linux;
using Runsharp.Linux.Native;
using Tmds.Linux;

namespace Runsharp.Container.Foreground;

/// <summary>
/// Waits in the foreground for a process the runtime forked (the init for `run`, the new process for `exec`),
/// as runc does: signals sent to the runtime are passed on to it, SIGWINCH resizes its tty, and with a relayed tty
/// (<see cref="ForegroundConsole"/>) the runtime's stdin goes to the pty and the pty's output to its stdout, with
/// the host terminal in raw mode until the end. One thread, one poll(2) loop over a pidfd of the process (readable
/// once it exits), the signal pipe and the relay's fds.
/// </summary>
public static unsafe class ForegroundWait
{
    /// <summary>Returns the process's wait status. <paramref name="caught"/>: the handlers the caller installed before
    /// the process started (so that no signal in between kills the runtime instead); installed here otherwise.</summary>
    public static int Run(int pid, ForegroundConsole? console, Action<string>? debug = null, ForwardedSignals? caught = null)
    {
        int pidfd = Posix.PidfdOpen(pid);
        if (pidfd < 0)
        {
            // Kernels before 5.3: without a tty to relay, a plain wait (no forwarding) still gives the exit code.
            if (console is not null) throw new ContainerException($"unable to watch pid {pid} (pidfd_open): {Errno.Message(-pidfd)}");
            debug?.Invoke($"pidfd_open: {Errno.Message(-pidfd)}; waiting without forwarding signals");
            return Posix.WaitPid(pid, 0).Status;
        }
        using var own = caught is null ? ForwardedSignals.Start(debug) : null;
        var signals = caught ?? own!;
        var relay = console is { Master: >= 0 } ? new TtyRelay(console.Master) : null;
        try
        {
            console?.Host?.MakeRaw();
            console?.Resize();
            Span<int> received = stackalloc int[64];
            pollfd* fds = stackalloc pollfd[4];
            while (true)
            {
                int count = 0;
                fds[count++] = new pollfd { fd = pidfd, events = (short)LibC.POLLIN };
                fds[count++] = new pollfd { fd = signals.Fd, events = (short)LibC.POLLIN };
                relay?.AddPollFds(fds, ref count);
                int ready = Posix.Poll(fds, count, -1);
                // EINTR: a signal's handler ran on this thread, and its byte is in the pipe.
                if (ready == -Errno.EINTR) continue;
                if (ready < 0) throw new LinuxException(-ready, "poll");
                relay?.Handle(fds);
                if (fds[1].revents != 0)
                {
                    for (int n = signals.Read(received), i = 0; i < n; i++)
                    {
                        if (received[i] == ForwardedSignals.SIGWINCH) { console?.Resize(); continue; }
                        debug?.Invoke($"forwarding signal {received[i]} to pid {pid}");
                        Posix.Kill(pid, received[i]);
                    }
                }
                if (fds[0].revents != 0)
                {
                    var (reaped, status) = Posix.WaitPid(pid, 0);
                    if (reaped != pid) throw new ContainerException($"unable to wait for pid {pid}: {Errno.Message(-reaped)}");
                    relay?.Drain();
                    return status;
                }
            }
        }
        finally
        {
            console?.Host?.Restore();
            Posix.Close(pidfd);
        }
    }
}
