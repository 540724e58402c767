using System.Text;
using System.Text.Json;

namespace Runsharp.Benchmarks;

/// <summary>
/// A config.json shaped like the ones podman and containerd hand to a runtime: full env, all five capability
/// sets, rlimits, 40 mounts (the kernel filesystems, the engine's bind mounts of hosts/resolv.conf/hostname/
/// secrets, volumes and tmpfs), a docker-like seccomp profile (~390 syscall names, 3 architectures) with argument conditions,
/// masked and read-only paths, devices, resources, sysctls and annotations (no hooks). Written with
/// Utf8JsonWriter so the text is what an engine would produce, not our own serializer's output.
/// Bind sources are created under <see cref="Dir"/> so the plan compiler finds them.
/// </summary>
public sealed class LargeConfig : IDisposable
{
    public string Dir { get; }
    public string BundleDir => Path.Combine(Dir, "bundle");
    public string RootfsDir => Path.Combine(BundleDir, "rootfs");
    public byte[] Json { get; }

    public const int MountCount = 40;

    public LargeConfig()
    {
        Dir = Path.Combine(Path.GetTempPath(), "runsharp-bench-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(RootfsDir);
        Json = Write(Dir);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }

    // Docker's default allow list, x86_64 names plus a few 32-bit ones (as the real profile has).
    public static readonly string[] AllowedSyscalls =
    [
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir", "chmod",
        "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
        "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
        "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
        "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd",
        "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
        "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32",
        "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
        "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
        "ftruncate64", "futex", "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents",
        "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
        "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
        "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday",
        "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
        "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents",
        "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit", "io_uring_enter",
        "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
        "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr",
        "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
        "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock",
        "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink",
        "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
        "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2", "pause",
        "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll",
        "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease",
        "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
        "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages",
        "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction",
        "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
        "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity",
        "sched_getattr", "sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
        "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
        "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl",
        "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg",
        "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
        "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
        "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
        "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid", "setuid32",
        "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4",
        "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
        "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee",
        "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
        "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
        "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
        "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
        "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
        "arch_prctl", "modify_ldt", "chroot", "bpf", "clone3", "fanotify_init", "lookup_dcookie", "mount",
        "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname",
        "sethostname", "setns", "syslog", "umount", "umount2", "unshare",
    ];

    private static readonly string[] Caps =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
        "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT", "CAP_NET_RAW", "CAP_MKNOD",
        "CAP_AUDIT_WRITE",
    ];

    private static byte[] Write(string dir)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("ociVersion", "1.0.2-dev");
            WriteProcess(w);
            w.WriteStartObject("root");
            w.WriteString("path", Path.Combine(dir, "bundle", "rootfs"));
            w.WriteBoolean("readonly", false);
            w.WriteEndObject();
            w.WriteString("hostname", "3f9c2a1b7d4e");
            WriteMounts(w, dir);
            w.WriteStartObject("annotations");
            w.WriteString("io.container.manager", "libpod");
            w.WriteString("io.kubernetes.cri-o.Created", "2024-05-01T10:11:12.123456789Z");
            w.WriteString("org.opencontainers.image.stopSignal", "15");
            w.WriteString("io.podman.annotations.autoremove", "FALSE");
            w.WriteString("io.podman.annotations.init", "FALSE");
            w.WriteString("io.podman.annotations.privileged", "FALSE");
            w.WriteString("io.podman.annotations.publish-all", "FALSE");
            w.WriteString("org.systemd.property.KillSignal", "15");
            w.WriteEndObject();
            WriteLinux(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteProcess(Utf8JsonWriter w)
    {
        w.WriteStartObject("process");
        w.WriteBoolean("terminal", false);
        w.WriteStartObject("user");
        w.WriteNumber("uid", 1000);
        w.WriteNumber("gid", 1000);
        w.WriteNumber("umask", 18);
        w.WriteStartArray("additionalGids");
        foreach (var g in new[] { 1000, 10, 27, 100 }) w.WriteNumberValue(g);
        w.WriteEndArray();
        w.WriteEndObject();
        StringArray(w, "args", "/usr/local/bin/docker-entrypoint.sh", "postgres", "-c", "shared_buffers=256MB", "-c", "max_connections=200");
        var env = new List<string>
        {
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", "container=podman",
            "HOSTNAME=3f9c2a1b7d4e", "HOME=/var/lib/postgresql", "LANG=en_US.utf8", "PG_MAJOR=16",
            "PG_VERSION=16.2-1.pgdg120+2", "PGDATA=/var/lib/postgresql/data", "GOSU_VERSION=1.17",
        };
        for (int i = 0; i < 30; i++) env.Add($"APP_SETTING_{i:D2}=value-{i}-{new string('x', 24)}");
        StringArray(w, "env", [.. env]);
        w.WriteString("cwd", "/var/lib/postgresql");
        w.WriteStartObject("capabilities");
        foreach (var set in new[] { "bounding", "effective", "inheritable", "permitted" }) StringArray(w, set, Caps);
        StringArray(w, "ambient");
        w.WriteEndObject();
        w.WriteStartArray("rlimits");
        foreach (var (type, hard, soft) in new[] { ("RLIMIT_NOFILE", 1048576L, 1048576L), ("RLIMIT_NPROC", 4194304L, 4194304L), ("RLIMIT_CORE", -1L, -1L) })
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            if (hard < 0) { w.WriteNumber("hard", ulong.MaxValue); w.WriteNumber("soft", ulong.MaxValue); }
            else { w.WriteNumber("hard", hard); w.WriteNumber("soft", soft); }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("oomScoreAdj", 0);
        w.WriteBoolean("noNewPrivileges", true);
        w.WriteEndObject();
    }

    private static void WriteMounts(Utf8JsonWriter w, string dir)
    {
        var mounts = new List<(string Dest, string Type, string Source, string[] Options)>
        {
            ("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
            ("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            ("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
            ("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            ("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
            ("/sys/fs/cgroup", "cgroup", "cgroup", ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]),
            ("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            ("/tmp", "tmpfs", "tmpfs", ["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"]),
            ("/run", "tmpfs", "tmpfs", ["rw", "rprivate", "nosuid", "nodev", "mode=755"]),
            ("/var/tmp", "tmpfs", "tmpfs", ["rw", "rprivate", "nosuid", "nodev", "size=10m"]),
        };
        // The engine's own files, each a file bind mount.
        foreach (var f in new[] { "etc/hosts", "etc/resolv.conf", "etc/hostname", "run/.containerenv", "etc/passwd", "etc/group" })
        {
            string src = Path.Combine(dir, "userdata", f.Replace('/', '_'));
            Directory.CreateDirectory(Path.GetDirectoryName(src)!);
            File.WriteAllText(src, "# generated\n");
            mounts.Add(("/" + f, "bind", src, ["bind", "rprivate", "nosuid", "noexec", "nodev"]));
        }
        // Secrets and config maps (directories, read-only), then named volumes (directories, read-write).
        for (int i = 0; mounts.Count < MountCount; i++)
        {
            string src = Path.Combine(dir, "volumes", $"vol{i:D2}", "_data");
            Directory.CreateDirectory(src);
            bool ro = i % 3 == 0;
            string dest = i < 4 ? $"/run/secrets/secret{i}" : $"/var/lib/app/volume{i:D2}";
            mounts.Add((dest, "bind", src, ro ? ["rbind", "ro", "rprivate", "nosuid", "nodev"] : ["rbind", "rprivate", "nosuid", "nodev"]));
        }
        w.WriteStartArray("mounts");
        foreach (var (dest, type, source, options) in mounts)
        {
            w.WriteStartObject();
            w.WriteString("destination", dest);
            w.WriteString("type", type);
            w.WriteString("source", source);
            StringArray(w, "options", options);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteLinux(Utf8JsonWriter w)
    {
        w.WriteStartObject("linux");
        w.WriteStartObject("sysctl");
        w.WriteString("net.ipv4.ping_group_range", "0 0");
        w.WriteString("kernel.shm_rmid_forced", "1");
        w.WriteEndObject();
        w.WriteStartObject("resources");
        w.WriteStartArray("devices");
        w.WriteStartObject(); w.WriteBoolean("allow", false); w.WriteString("access", "rwm"); w.WriteEndObject();
        foreach (var (major, minor) in new[] { (1, 3), (1, 5), (1, 7), (1, 8), (1, 9), (5, 0), (5, 1), (5, 2), (136, -1), (10, 200) })
        {
            w.WriteStartObject();
            w.WriteBoolean("allow", true);
            w.WriteString("type", "c");
            w.WriteNumber("major", major);
            if (minor >= 0) w.WriteNumber("minor", minor);
            w.WriteString("access", "rwm");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("memory"); w.WriteNumber("limit", 536870912); w.WriteNumber("swap", 1073741824); w.WriteEndObject();
        w.WriteStartObject("cpu"); w.WriteNumber("shares", 1024); w.WriteNumber("quota", 150000); w.WriteNumber("period", 100000); w.WriteEndObject();
        w.WriteStartObject("pids"); w.WriteNumber("limit", 2048); w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("cgroupsPath", "machine.slice:libpod:3f9c2a1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd");
        w.WriteStartArray("namespaces");
        foreach (var ns in new[] { "pid", "network", "ipc", "uts", "mount", "cgroup" })
        {
            w.WriteStartObject(); w.WriteString("type", ns); w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteSeccomp(w);
        StringArray(w, "maskedPaths",
            "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
            "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block", "/proc/asound",
            "/sys/devices/virtual/powercap");
        StringArray(w, "readonlyPaths", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
        w.WriteEndObject();
    }

    private static void WriteSeccomp(Utf8JsonWriter w)
    {
        w.WriteStartObject("seccomp");
        w.WriteString("defaultAction", "SCMP_ACT_ERRNO");
        w.WriteNumber("defaultErrnoRet", 38);
        StringArray(w, "architectures", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        w.WriteStartArray("syscalls");
        Rule(w, "SCMP_ACT_ALLOW", AllowedSyscalls);
        foreach (ulong persona in new ulong[] { 0, 8, 131072, 131080, 4294967295 })
            Rule(w, "SCMP_ACT_ALLOW", ["personality"], (0, "SCMP_CMP_EQ", persona, 0));
        // clone without namespace flags, socket without AF_VSOCK, the rest refused with EPERM.
        Rule(w, "SCMP_ACT_ALLOW", ["clone"], (0, "SCMP_CMP_MASKED_EQ", 2114060288, 0));
        Rule(w, "SCMP_ACT_ALLOW", ["socket"], (0, "SCMP_CMP_NE", 40, 0));
        Rule(w, "SCMP_ACT_ERRNO", ["kexec_load", "kexec_file_load", "open_by_handle_at", "init_module", "finit_module", "delete_module", "iopl", "ioperm", "swapon", "swapoff", "reboot", "acct", "pivot_root"], errno: 1);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Rule(Utf8JsonWriter w, string action, string[] names, (uint Index, string Op, ulong Value, ulong Two)? arg = null, int? errno = null)
    {
        w.WriteStartObject();
        StringArray(w, "names", names);
        w.WriteString("action", action);
        if (errno is { } e) w.WriteNumber("errnoRet", e);
        if (arg is { } a)
        {
            w.WriteStartArray("args");
            w.WriteStartObject();
            w.WriteNumber("index", a.Index);
            w.WriteNumber("value", a.Value);
            w.WriteNumber("valueTwo", a.Two);
            w.WriteString("op", a.Op);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void StringArray(Utf8JsonWriter w, string name, params string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(Json);
}
