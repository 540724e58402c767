using Runsharp.Cgroups;
using Runsharp.Container.State;
using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Lifecycle;

/// <summary>
/// What a create killed half-way leaves (see <see cref="StatusProbe.IsUnfinished"/>): maybe an init already waiting
/// on exec.fifo (after the handshake, the runtime's death no longer kills it), maybe the cgroup the early record
/// names, with the init in it. delete removes them all; the caller then removes the state directory.
/// </summary>
public static class UnfinishedCreate
{
    private const int ExitWaitMs = 10_000;

    /// <param name="cgroup">The cgroup the early record names, or null (none recorded, or rootless without one).</param>
    public static void Remove(string stateDir, ICgroupManager? cgroup, Action<string>? debug)
    {
        string fifo = Path.Combine(stateDir, StateStore.ExecFifo);
        foreach (var pid in ExecFifoHolders.Find(fifo))
        {
            debug?.Invoke($"unfinished create: killing {pid}, which holds {fifo}");
            KillHolder(pid, fifo);
        }
        if (cgroup is null) return;
        foreach (var pid in cgroup.Exists() ? cgroup.GetPids() : [])
        {
            debug?.Invoke($"unfinished create: killing {pid} in cgroup {cgroup.Path}");
            Posix.Kill(pid, Flags.SIGKILL);
        }
        // Destroy retries while the killed processes are still accounted to the cgroup.
        cgroup.Destroy();
    }

    /// <summary>Kills through a pidfd, checked again after it pins the pid, so a recycled pid is never hit.</summary>
    private static void KillHolder(int pid, string fifo)
    {
        int pidfd = Posix.PidfdOpen(pid);
        if (pidfd < 0) return; // already gone
        try
        {
            if (!ExecFifoHolders.Holds(pid, fifo)) return;
            if (Posix.PidfdSendSignal(pidfd, Flags.SIGKILL) is int e and not 0 && e != Errno.ESRCH)
                throw new ContainerException($"unable to kill pid {pid} of the unfinished container: {Errno.Message(e)}");
            if (!Posix.WaitForExit(pidfd, ExitWaitMs))
                throw new ContainerException($"pid {pid} of the unfinished container did not exit after SIGKILL");
        }
        finally { Posix.Close(pidfd); }
    }
}
