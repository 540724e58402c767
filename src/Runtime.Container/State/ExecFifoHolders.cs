using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.State;

/// <summary>
/// Finds the processes that have a container's exec.fifo open. Until `start`, the init holds it (it waits on it
/// to execve), so when a create was killed before it recorded the init's pid, this is how delete finds the init.
/// </summary>
public static class ExecFifoHolders
{
    /// <summary>Pids with an fd on <paramref name="fifo"/> (compared by device and inode), or none if it is gone.</summary>
    public static List<int> Find(string fifo)
    {
        var holders = new List<int>();
        if (StatId(fifo) is not { } target) return holders;
        foreach (var procDir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(procDir), out int pid) || pid == Environment.ProcessId) continue;
            if (Holds(pid, target)) holders.Add(pid);
        }
        return holders;
    }

    /// <summary>Whether <paramref name="pid"/> has the fifo open now (checked again once a pidfd pins the pid).</summary>
    public static bool Holds(int pid, string fifo) => StatId(fifo) is { } target && Holds(pid, target);

    private static bool Holds(int pid, (ulong Dev, ulong Ino) target)
    {
        IEnumerable<string> fds;
        try { fds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; } // gone, or not ours to see
        foreach (var fd in fds)
            if (StatId(fd) == target) return true;
        return false;
    }

    /// <summary>stat(2) (following the /proc/PID/fd link to the open file): device and inode.</summary>
    private static unsafe (ulong Dev, ulong Ino)? StatId(string path)
    {
        byte* st = stackalloc byte[256];
        fixed (byte* p = Posix.Z(path))
        {
            if (RawSyscall.Invoke(Sys.newfstatat, Flags.AT_FDCWD, (long)p, (long)st, 0) < 0) return null;
        }
        return (*(ulong*)st, *(ulong*)(st + 8)); // st_dev, st_ino: the first two fields on x86-64 and arm64
    }
}
