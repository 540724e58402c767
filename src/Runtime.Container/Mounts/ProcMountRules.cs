namespace Runsharp.Container.Mounts;

/// <summary>
/// What may be mounted at or under /proc (CVE-2019-16884 and CVE-2023-27561 class): anything over /proc/self,
/// /proc/PID or their attr files can hide the kernel interfaces the runtime writes LSM labels and masks through,
/// so only procfs itself goes on /proc, and below it only the plain files lxcfs-style tools replace.
/// </summary>
public static class ProcMountRules
{
    /// <summary>Files that tools such as lxcfs bind over (relative to the root, as <see cref="InRootPath.Relative"/> gives).</summary>
    private static readonly HashSet<string> ReplaceableFiles = new(StringComparer.Ordinal)
    {
        "proc/cpuinfo", "proc/diskstats", "proc/meminfo", "proc/stat", "proc/swaps", "proc/uptime", "proc/loadavg",
        "proc/slabinfo", "proc/net/dev", "proc/sys/kernel/ns_last_pid", "proc/sys/crypto/fips_enabled",
    };

    /// <param name="relative">The cleaned destination without its leading '/'.</param>
    /// <param name="bindSource">The source of a bind mount, else null: a bind of a procfs (the host's /proc, for a
    /// container without its own pid namespace) is procfs too.</param>
    public static void Check(string relative, string type, string? bindSource, string where)
    {
        if (relative == "proc")
        {
            if (type != "proc" && !(bindSource is not null && IsProcfs(bindSource)))
                throw new ContainerException($"{where}.destination: only a proc filesystem may be mounted on /proc, not \"{type}\"");
            return;
        }
        if (!relative.StartsWith("proc/", StringComparison.Ordinal) || ReplaceableFiles.Contains(relative)) return;
        throw new ContainerException($"{where}.destination: mounting over /{relative} is not allowed: below /proc only " +
            "the files lxcfs replaces may be mounted over (/proc/cpuinfo, /proc/meminfo, /proc/uptime, ...)");
    }

    private static unsafe bool IsProcfs(string path)
    {
        // struct statfs: f_type is the first field.
        long* buf = stackalloc long[15];
        fixed (byte* p = Linux.Posix.Z(path))
            return Linux.Native.RawSyscall.Invoke(Linux.Native.Sys.statfs, (long)p, (long)buf) == 0 && buf[0] == Linux.Native.Flags.PROC_SUPER_MAGIC;
    }
}
