using System.Text;

namespace Runsharp.Cgroups;

/// <summary>Plain synchronous file IO on cgroupfs. No async, threads or timers: the runtime forks.</summary>
internal static class CgroupFiles
{
    /// <summary>One write(2) of the whole value, opened O_WRONLY|O_TRUNC without O_CREAT: control files must
    /// already exist, a missing one means the controller is absent. Raw open/write/close: .NET's file APIs add
    /// an flock, ftruncate, lseek and fstatfs to every cgroup write, four syscalls the kernel does not need.</summary>
    internal static void Write(string dir, string file, string value)
    {
        var path = Path.Combine(dir, file);
        int fd = Runsharp.Linux.Posix.TryOpen(path, Runsharp.Linux.Native.Flags.O_WRONLY | Runsharp.Linux.Native.Flags.O_TRUNC);
        if (fd < 0)
            throw new CgroupException($"unable to write '{file}' = {value} in {dir}: {CgroupErrors.Text(-fd)}", -fd);
        try
        {
            Runsharp.Linux.Posix.WriteAll(fd, Encoding.ASCII.GetBytes(value), path);
        }
        catch (Runsharp.Linux.LinuxException e)
        {
            // The cause is not chained: its text would repeat the path and the errno said here.
            throw new CgroupException($"unable to write '{file}' = {value} in {dir}: {CgroupErrors.Text(e.ErrorNumber)}", e.ErrorNumber);
        }
        finally
        {
            Runsharp.Linux.Posix.Close(fd);
        }
    }

    internal static string Read(string dir, string file)
    {
        var text = Runsharp.Linux.Posix.TryReadText(Path.Combine(dir, file), out int errno);
        return text?.Trim() ?? throw new CgroupException($"unable to read '{file}' in {dir}: {CgroupErrors.Text(errno)}", errno);
    }

    internal static bool Exists(string dir, string file) => File.Exists(Path.Combine(dir, file));

    internal static ulong ReadUInt64(string dir, string file)
    {
        var text = Read(dir, file);
        if (text == "max")
            return ulong.MaxValue;
        if (!ulong.TryParse(text, out var v))
            throw new CgroupException($"unable to parse '{file}' in {dir}: '{text}' is not a number");
        return v;
    }

    /// <summary>mkdir -p that returns how many trailing components it made, so Destroy removes only those.</summary>
    internal static int MakeDirs(string dir)
    {
        var missing = new Stack<string>();
        for (var d = dir; !Directory.Exists(d); d = Path.GetDirectoryName(d)!)
            missing.Push(d);
        int made = 0;
        while (missing.Count > 0)
        {
            var d = missing.Pop();
            try
            {
                Directory.CreateDirectory(d);
                made++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CgroupException($"unable to create cgroup {d}: {CgroupErrors.Text(e)}", CgroupErrors.ErrnoOf(e), e);
            }
        }
        return made;
    }

    /// <summary>How long Destroy keeps retrying EBUSY, across all hierarchies together.</summary>
    internal const int BusyBudgetMs = 2000;

    /// <summary>Removes a cgroup and any child cgroups below it (deepest first). The kernel refuses rmdir with
    /// EBUSY while exiting processes are still accounted, so retry until <paramref name="deadline"/>
    /// (an Environment.TickCount64 value).</summary>
    internal static void RemoveTree(string dir, long deadline)
    {
        if (!Directory.Exists(dir))
            return;
        string[] children;
        try
        {
            children = Directory.GetDirectories(dir);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        foreach (var child in children)
            RemoveTree(child, deadline);
        RemoveDir(dir, deadline);
    }

    static void RemoveDir(string dir, long deadline)
    {
        int delayMs = 5;
        while (true)
        {
            try
            {
                Directory.Delete(dir, recursive: false);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                int errno = CgroupErrors.ErrnoOf(e);
                if (errno == CgroupErrors.ENOENT)
                    return;
                long left = deadline - Environment.TickCount64;
                if (errno != CgroupErrors.EBUSY || left <= 0)
                    throw new CgroupException($"unable to remove cgroup {dir}: {CgroupErrors.Text(e)}", errno, e);
                // A plain sleep on this thread: no timers or threads in the runtime.
                Thread.Sleep((int)Math.Min(delayMs, left));
                delayMs = Math.Min(delayMs * 2, 200);
            }
        }
    }

    /// <summary>Process ids in cgroup.procs.</summary>
    internal static IReadOnlyList<int> ReadPids(string dir)
    {
        var pids = new List<int>();
        foreach (var line in Read(dir, "cgroup.procs").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line, out var pid))
                pids.Add(pid);
        return pids;
    }

    /// <summary>Process ids in <paramref name="dir"/>'s cgroup.procs and in every cgroup below it. A child cgroup
    /// removed while we walk is skipped; the top directory must exist.</summary>
    internal static IReadOnlyList<int> ReadAllPids(string dir)
    {
        var pids = new List<int>(ReadPids(dir));
        string[] children;
        try
        {
            children = Directory.GetDirectories(dir);
        }
        catch (DirectoryNotFoundException)
        {
            return pids;
        }
        foreach (var child in children)
        {
            try
            {
                pids.AddRange(ReadAllPids(child));
            }
            catch (CgroupException e) when (e.Errno == CgroupErrors.ENOENT)
            {
            }
        }
        return pids;
    }
}
