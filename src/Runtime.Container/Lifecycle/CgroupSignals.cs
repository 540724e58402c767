using Runsharp.Cgroups;
using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Lifecycle;

/// <summary>
/// Signals every process in a container's cgroup (`kill --all`, and what `delete` finds left over). SIGKILL goes
/// through cgroup.kill where the kernel has it (one write, nothing escapes by forking); otherwise the cgroup is
/// frozen so nothing forks between listing and signalling, each pid is signalled, and the cgroup is thawed.
/// </summary>
internal static class CgroupSignals
{
    /// <summary>How long <see cref="KillAll"/> waits for the cgroup to empty.</summary>
    const int ExitWaitMs = 10_000;

    public static void SignalAll(ICgroupManager cgroup, int signal, Action<string>? warn)
    {
        var before = FreezerState.Undefined;
        try { before = cgroup.GetFreezerState(); }
        catch (CgroupException e) { warn?.Invoke(e.Message); }

        if (signal == Flags.SIGKILL && cgroup.TryKillAll())
        {
            // On a Hybrid host cgroup.kill covers the cgroup2 tree only: sweep the v1 list too, in case a
            // process never joined the unified cgroup (harmless for the ones already dying).
            SignalEach(cgroup, signal, warn);
            // cgroup.kill reaches frozen processes, but a v1-frozen one cannot act on it until thawed.
            if (before == FreezerState.Frozen) Thaw(cgroup, warn);
            return;
        }
        bool frozeHere = false;
        if (before == FreezerState.Thawed)
        {
            try { cgroup.Freeze(); frozeHere = true; }
            catch (CgroupException e) { warn?.Invoke($"signalling without freezing first: {e.Message}"); }
        }
        try
        {
            SignalEach(cgroup, signal, warn);
        }
        finally
        {
            // A paused container stays paused (its processes get the signal on resume, as with `kill` of the init),
            // except for SIGKILL: the caller wants them gone, and a v1-frozen process cannot die.
            if (frozeHere || (before == FreezerState.Frozen && signal == Flags.SIGKILL)) Thaw(cgroup, warn);
        }
    }

    /// <summary>SIGKILLs everything in the cgroup and waits (bounded) until it is empty, so it can be removed.</summary>
    public static void KillAll(ICgroupManager cgroup, Action<string>? warn)
    {
        if (!cgroup.Exists()) return;
        // The usual case (a container that stopped by itself): nothing to freeze, signal or wait for.
        try { if (cgroup.GetAllPids().Count == 0) return; }
        catch (CgroupException) { return; }
        SignalAll(cgroup, Flags.SIGKILL, warn);
        long deadline = Environment.TickCount64 + ExitWaitMs;
        int delayMs = 1;
        while (Environment.TickCount64 < deadline)
        {
            try { if (cgroup.GetAllPids().Count == 0) return; }
            catch (CgroupException) { return; } // gone already
            Thread.Sleep(delayMs);
            delayMs = Math.Min(delayMs * 2, 100);
        }
        warn?.Invoke($"processes are still in the container's cgroup {cgroup.Path} after SIGKILL");
    }

    static void SignalEach(ICgroupManager cgroup, int signal, Action<string>? warn)
    {
        foreach (var pid in cgroup.GetAllPids())
        {
            int e = Posix.Kill(pid, signal);
            if (e != 0 && e != Errno.ESRCH) warn?.Invoke($"unable to signal pid {pid}: {Errno.Message(e)}");
        }
    }

    static void Thaw(ICgroupManager cgroup, Action<string>? warn)
    {
        try { cgroup.Thaw(); }
        catch (CgroupException e) { warn?.Invoke(e.Message); }
    }
}
