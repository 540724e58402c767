using Runsharp.Linux;

namespace Runsharp.Container.Foreground;

/// <summary>
/// What a foreground `run` or `exec` does with the signals it gets, as runc does: SIGWINCH means the terminal
/// was resized, and the others go on to the container's process. They arrive as bytes on <see cref="SignalPipe"/>
/// while the runtime waits; <see cref="Dispose"/> puts the previous actions back and drops what is still queued
/// (it was meant for a process that is gone).
/// </summary>
public sealed class ForwardedSignals : IDisposable
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGUSR1 = 10, SIGUSR2 = 12, SIGALRM = 14, SIGTERM = 15,
        SIGCONT = 18, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30;

    /// <summary>Passed on. Not the job-control stops (SIGTSTP, SIGTTIN, SIGTTOU stop the runtime as they would any
    /// foreground program), not the ones the kernel raises for faults or limits, not SIGCHLD (the runtime watches
    /// the process through a pidfd), not the real-time ones (the .NET runtime uses some of them itself).</summary>
    public static readonly int[] Forwarded =
        [SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGCONT, SIGVTALRM, SIGPROF, SIGIO, SIGPWR];

    private bool _disposed;

    /// <summary>The fd to poll, or -1 when no handler could be installed (then nothing is forwarded).</summary>
    public int Fd { get; }

    private ForwardedSignals(int fd) => Fd = fd;

    public static ForwardedSignals Start(Action<string>? debug = null)
    {
        int[] caught = [.. Forwarded, SIGWINCH];
        if (SignalPipe.TryInstall(caught, out var whyNot)) return new ForwardedSignals(SignalPipe.ReadFd);
        debug?.Invoke($"signals will not be forwarded to the container: no signal handler ({whyNot})");
        return new ForwardedSignals(-1);
    }

    /// <summary>The signals that arrived since the last read (none if the fd was not ready).</summary>
    public int Read(Span<int> signals) => Fd < 0 ? 0 : SignalPipe.Read(signals);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Fd >= 0) SignalPipe.Restore();
    }
}
