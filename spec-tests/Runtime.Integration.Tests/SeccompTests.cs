namespace Runtime.Integration.Tests;

/// <summary>
/// linux.seccomp, judged from inside the container: the filter is in force (Seccomp: 2 in /proc/self/status),
/// denied syscalls fail with the configured errno, argument conditions decide per call, and a bad profile
/// fails create cleanly. Each case runs with and without no_new_privs, since the load happens at different
/// points of the init for the two.
/// </summary>
public class SeccompTests : IntegrationTest
{
    /// <summary>What busybox sh and its applets use (checked with strace), plus what an init needs after the load (ours and runc's).</summary>
    private static readonly string[] BusyboxSyscalls =
    [
        "read", "write", "close", "execve", "exit", "exit_group", "brk", "arch_prctl", "set_tid_address",
        "set_robust_list", "rseq", "prlimit64", "mmap", "munmap", "mprotect", "madvise", "getuid", "getgid",
        "geteuid", "getegid", "getpid", "getppid", "gettid", "getrandom", "uname", "readlink", "newfstatat",
        "fstat", "stat", "lstat", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "prctl",
        "ioctl", "fcntl", "dup", "dup2", "dup3", "wait4", "clone", "vfork", "fork", "getcwd", "access",
        "faccessat", "faccessat2", "open", "openat", "lseek", "futex", "nanosleep", "clock_nanosleep",
        "clock_gettime", "sched_yield", "tgkill", "kill", "epoll_pwait", "epoll_wait", "epoll_ctl", "epoll_create1",
        "pselect6", "select", "capget", "capset", "setgroups", "setresuid", "setresgid", "setuid", "setgid",
        "umask", "chdir", "fchdir", "close_range", "getdents64", "pipe2", "sched_getaffinity", "mincore",
        // runc's init (Go) between its load and execve: the /proc/self/fd check, the exec.fifo wait
        "fstatfs", "statfs", "fchown", "waitid",
    ];

    private static JsonObject Rule(string action, string[] names, int? errnoRet = null, JsonArray? args = null)
    {
        var r = new JsonObject { ["names"] = Json.Arr(names), ["action"] = action };
        if (errnoRet is int e) r["errnoRet"] = e;
        if (args != null) r["args"] = args;
        return r;
    }

    private static JsonObject Cond(int index, string op, ulong value) =>
        new() { ["index"] = index, ["value"] = value, ["op"] = op };

    private Bundle WithProfile(string script, bool noNewPrivileges, JsonObject seccomp)
    {
        var b = R.NewBundle().Sh(script);
        b.Process["noNewPrivileges"] = noNewPrivileges;
        b.Linux["seccomp"] = seccomp;
        return b;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DefaultAllow_DeniedMkdirFailsWithErrnoRet(bool noNewPrivileges)
    {
        var seccomp = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["architectures"] = Json.Arr("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
            // An unknown name is skipped, not an error (runc does the same).
            ["syscalls"] = new JsonArray(Rule("SCMP_ACT_ERRNO", ["mkdir", "mkdirat", "no_such_syscall_anywhere"], errnoRet: 1)),
        };
        var b = WithProfile("grep -E '^Seccomp(_filters)?:' /proc/self/status; mkdir /tmp/seccomp-x 2>&1; echo rc=$?; " +
                            "test -d /tmp/seccomp-x && echo exists; echo done", noNewPrivileges, seccomp);
        var output = R.RunOk(b);
        Assert.Contains("Seccomp:\t2", output);
        Assert.Contains("Operation not permitted", output);
        Assert.Contains("rc=1", output);
        Assert.DoesNotContain("exists", output);
        Assert.EndsWith("done\n", output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DefaultErrno_AllowList_ContainerRuns_OthersGetDefaultErrnoRet(bool noNewPrivileges)
    {
        var seccomp = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ERRNO",
            ["defaultErrnoRet"] = 95, // EOPNOTSUPP
            ["architectures"] = Json.Arr("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
            ["syscalls"] = new JsonArray(Rule("SCMP_ACT_ALLOW", BusyboxSyscalls)),
        };
        var b = WithProfile("echo hello; mkdir /tmp/seccomp-y 2>&1; echo rc=$?", noNewPrivileges, seccomp);
        var output = R.RunOk(b);
        Assert.StartsWith("hello\n", output);
        Assert.Contains("Operation not supported", output);
        Assert.EndsWith("rc=1\n", output);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ArgumentConditions_DecidePerCall(bool noNewPrivileges)
    {
        var seccomp = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["syscalls"] = new JsonArray(
                // personality(PER_LINUX32) denied, personality(PER_LINUX) allowed
                Rule("SCMP_ACT_ERRNO", ["personality"], errnoRet: 1, args: new JsonArray(Cond(0, "SCMP_CMP_EQ", 8))),
                // kill(pid, SIGUSR2) denied with EACCES; any other signal goes through
                Rule("SCMP_ACT_ERRNO", ["kill"], errnoRet: 13, args: new JsonArray(Cond(1, "SCMP_CMP_EQ", 12)))),
        };
        var b = WithProfile("linux32 true 2>/dev/null; echo p32=$?; linux64 true; echo p64=$?; " +
                            "kill -USR2 $$ 2>&1; echo k=$?; kill -0 $$; echo z=$?", noNewPrivileges, seccomp);
        var output = R.RunOk(b);
        Assert.Contains("p32=1", output);
        Assert.Contains("p64=0", output);
        Assert.Contains("Permission denied", output);
        Assert.Contains("k=1", output);
        Assert.Contains("z=0", output);
    }

    [Fact]
    public void UnknownAction_CreateFailsNamingTheField_NothingLeft()
    {
        var seccomp = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["syscalls"] = new JsonArray(Rule("SCMP_ACT_ERRNO", ["mkdir"]), Rule("SCMP_ACT_FOO", ["mkdirat"])),
        };
        var b = WithProfile("true", true, seccomp);
        var id = NewId();
        var r = R.Create(b, id).Fails();
        Env.RunsharpOnly(() => Assert.Contains("linux.seccomp.syscalls[1].action", r.Stderr));
        Assert.Contains("SCMP_ACT_FOO", r.Stderr + r.Log);
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)), "a failed create must not leave a state dir");
        Assert.Equal("", R.Exec("list", "-q").Ok().Stdout.Trim());
    }

    [Fact]
    public void Features_ReportsSeccomp()
    {
        var f = JsonNode.Parse(R.Exec("features").Ok().Stdout)!;
        var s = f["linux"]!["seccomp"]!;
        Assert.True((bool)s["enabled"]!);
        var actions = s["actions"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("SCMP_ACT_ERRNO", actions);
        Assert.Contains("SCMP_ACT_ALLOW", actions);
        Assert.Contains("SCMP_CMP_MASKED_EQ", s["operators"]!.AsArray().Select(a => (string)a!));
        Assert.Contains("SCMP_ARCH_X86_64", s["archs"]!.AsArray().Select(a => (string)a!));
    }
}
