using System.Globalization;

namespace Runtime.Integration.Tests;

/// <summary>process.*: env, cwd, user, umask, rlimits, capabilities, noNewPrivileges, oomScoreAdj, preserve-fds.</summary>
public class ProcessTests : IntegrationTest
{
    private static string StatusField(string output, string field) =>
        Lines(output).Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

    [Fact]
    public void Env_IsExactlyTheSpecs()
    {
        var b = R.NewBundle().Args("env");
        b.Process["env"] = Json.Arr("PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=");
        var id = NewId();
        var o = new ExecOptions();
        o.Environment["RUNSHARP_TEST_LEAK"] = "must-not-leak";
        var r = R.Run(b, id, o).Ok();
        var env = Lines(r.Stdout);
        Assert.Contains("FOO=bar baz", env);
        Assert.Contains("EMPTY=", env);
        Assert.Contains("PATH=/bin:/usr/bin", env);
        Assert.DoesNotContain(env, l => l.StartsWith("RUNSHARP_TEST_LEAK", StringComparison.Ordinal));
    }

    [Fact]
    public void Env_HomeIsSetFromPasswd_WhenMissing()
    {
        var b = R.NewBundle().Sh("echo home=$HOME");
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        Assert.Equal("home=/home/user1000\n", R.RunOk(b));
    }

    [Fact]
    public void Cwd_IsApplied()
    {
        var b = R.NewBundle().Args("pwd");
        b.Process["cwd"] = "/tmp";
        Assert.Equal("/tmp\n", R.RunOk(b));
    }

    [Fact]
    public void Cwd_MissingDirIsCreated()
    {
        var b = R.NewBundle(privateRootfs: true).Args("pwd");
        b.Process["cwd"] = "/new/work/dir";
        Assert.Equal("/new/work/dir\n", R.RunOk(b));
    }

    [Fact]
    public void User_UidGidAdditionalGids()
    {
        var b = R.NewBundle().Sh("grep -E '^(Uid|Gid|Groups):' /proc/self/status; id -u; id -g");
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1001, ["additionalGids"] = Json.Arr(10L, 20L) };
        var output = R.RunOk(b);
        Assert.Equal("1000\t1000\t1000\t1000", StatusField(output, "Uid"));
        Assert.Equal("1001\t1001\t1001\t1001", StatusField(output, "Gid"));
        Assert.Equal("10 20", StatusField(output, "Groups"));
        Assert.EndsWith("1000\n1001\n", output);
    }

    [Fact]
    public void User_RootHasNoSupplementaryGroups()
    {
        var b = R.NewBundle().Sh("grep -E '^(Uid|Gid|Groups):' /proc/self/status");
        var output = R.RunOk(b);
        Assert.Equal("0\t0\t0\t0", StatusField(output, "Uid"));
        Assert.Equal("", StatusField(output, "Groups"));
    }

    [Theory]
    [InlineData(0x3F, "0077")]
    [InlineData(0x12, "0022")]
    [InlineData(0, "0000")]
    public void Umask_IsApplied(int umask, string expected)
    {
        var b = R.NewBundle().Args("sh", "-c", "umask");
        b.Process["user"]!["umask"] = umask;
        Assert.Equal(expected + "\n", R.RunOk(b));
    }

    [Fact]
    public void Rlimits_NofileSoftAndHard()
    {
        var b = R.NewBundle().Sh("ulimit -n; ulimit -Hn; grep 'Max open files' /proc/self/limits; grep 'Max processes' /proc/self/limits");
        b.Process["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 512, ["hard"] = 768 },
            new JsonObject { ["type"] = "RLIMIT_NPROC", ["soft"] = 300, ["hard"] = 400 });
        var lines = Lines(R.RunOk(b));
        Assert.Equal("512", lines[0]);
        Assert.Equal("768", lines[1]);
        Assert.Matches(@"^Max open files\s+512\s+768\s+files$", lines[2]);
        Assert.Matches(@"^Max processes\s+300\s+400\s+processes$", lines[3]);
    }

    [Fact]
    public void Rlimits_RaisingHardLimitWithoutCapSysResource_Fails()
    {
        // This host's root lacks CAP_SYS_RESOURCE, so a hard limit above the caller's cannot be set: the
        // runtime must report it instead of silently starting with other limits. Where the caller has the
        // capability, fs.nr_open + 1 still fails (the kernel's ceiling for RLIMIT_NOFILE).
        var hard = ulong.Parse(Lines(File.ReadAllText("/proc/self/limits")).Single(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], CultureInfo.InvariantCulture);
        var target = HasCapSysResource() ? ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), CultureInfo.InvariantCulture) + 1 : hard + 1000;
        var b = R.NewBundle().Args("true");
        b.Process["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 1024, ["hard"] = target });
        var id = NewId();
        var r = R.Run(b, id).Fails();
        Assert.Contains("rlimit", r.Stderr, StringComparison.OrdinalIgnoreCase);
        Env.RunsharpOnly(() => Assert.Contains("RLIMIT_NOFILE", r.Stderr)); // runc says "rlimit type 7"
    }

    internal static bool HasCapSysResource()
    {
        var eff = Convert.ToUInt64(Lines(File.ReadAllText("/proc/self/status")).Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal))[7..].Trim(), 16);
        return (eff & (1UL << 24)) != 0;
    }

    /// <summary>capabilities(7) through Linux 5.9, in kernel order.</summary>
    private static readonly string[] AllCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static readonly Dictionary<string, int> CapNumbers = new()
    {
        ["CAP_CHOWN"] = 0, ["CAP_DAC_OVERRIDE"] = 1, ["CAP_FOWNER"] = 3, ["CAP_KILL"] = 5, ["CAP_SETGID"] = 6, ["CAP_SETUID"] = 7,
        ["CAP_NET_BIND_SERVICE"] = 10, ["CAP_NET_RAW"] = 13, ["CAP_SYS_CHROOT"] = 18, ["CAP_SYS_ADMIN"] = 21, ["CAP_AUDIT_WRITE"] = 29,
    };

    private static string Mask(params string[] caps) =>
        caps.Aggregate(0UL, (m, c) => m | (1UL << CapNumbers[c])).ToString("x16", CultureInfo.InvariantCulture);

    private const string PrintCaps = "grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status";

    [Fact]
    public void Capabilities_Root_AllFiveSets()
    {
        // For uid 0 the kernel recomputes permitted/effective at execve from the bounding set (busybox has no
        // file caps, but root is treated as having a full file set), so the spec's permitted/effective are
        // only observable when they equal bounding; inheritable, bounding and ambient are kept as set.
        var b = R.NewBundle().Sh(PrintCaps);
        var bnd = new[] { "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID" };
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Json.Arr(bnd),
            ["permitted"] = Json.Arr(bnd),
            ["effective"] = Json.Arr(bnd),
            ["inheritable"] = Json.Arr("CAP_KILL", "CAP_NET_BIND_SERVICE"),
            ["ambient"] = Json.Arr("CAP_KILL"),
        };
        var output = R.RunOk(b);
        Assert.Equal(Mask(bnd), StatusField(output, "CapBnd"));
        Assert.Equal(Mask(bnd), StatusField(output, "CapPrm"));
        Assert.Equal(Mask(bnd), StatusField(output, "CapEff"));
        Assert.Equal(Mask("CAP_KILL", "CAP_NET_BIND_SERVICE"), StatusField(output, "CapInh"));
        Assert.Equal(Mask("CAP_KILL"), StatusField(output, "CapAmb"));
    }

    [Fact]
    public void Capabilities_UnknownName_IsWarnedAboutAndNotGranted()
    {
        // runtime-spec config.md: a capability that cannot be mapped to the kernel MUST be logged as a
        // warning and runtimes SHOULD NOT fail (runc and crun run such a container too).
        var b = R.NewBundle().Sh(PrintCaps);
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Json.Arr("CAP_KILL", "CAP_TEST"),
            ["permitted"] = Json.Arr("CAP_KILL"),
            ["effective"] = Json.Arr("CAP_KILL"),
        };
        var r = R.Run(b, NewId()).Ok();
        Assert.Equal(Mask("CAP_KILL"), StatusField(r.Stdout, "CapBnd"));
        // runsharp keeps the --log file to the one error record podman parses, so the warning goes to stderr;
        // runc writes it to the log file. Either way it names the capability and says it is a warning.
        var warning = Assert.Single(Lines(r.Log + r.Stderr), l => l.Contains("CAP_TEST", StringComparison.Ordinal));
        Assert.Contains("warn", warning, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Capabilities_OutsideTheRuntimesBoundingSet_FailNamingTheCapability()
    {
        // Only meaningful where the caller lacks CAP_SYS_RESOURCE (as root does on this host): capset(2) cannot
        // grant it. runc 1.1.5 and crun 1.8.1 fail too; runsharp also says which capability is the problem.
        if (HasCapSysResource()) return;
        var all = Json.Arr(AllCapabilities);
        var b = R.NewBundle().Sh(PrintCaps);
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = all.DeepClone(), ["permitted"] = all.DeepClone(), ["effective"] = all.DeepClone(),
        };
        var r = R.Run(b, NewId()).Fails();
        Env.RunsharpOnly(() => Assert.Contains("process.capabilities: CAP_SYS_RESOURCE not in the runtime's own bounding set", r.Stderr));
    }

    [Fact]
    public void Capabilities_NonRoot_AmbientBecomesEffective()
    {
        // For a non-root user with no file caps, after execve: permitted = effective = ambient.
        var b = R.NewBundle().Sh(PrintCaps);
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Json.Arr("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"),
            ["permitted"] = Json.Arr("CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"),
            ["effective"] = Json.Arr("CAP_KILL", "CAP_NET_BIND_SERVICE"),
            ["inheritable"] = Json.Arr("CAP_KILL", "CAP_NET_BIND_SERVICE"),
            ["ambient"] = Json.Arr("CAP_KILL", "CAP_NET_BIND_SERVICE"),
        };
        var output = R.RunOk(b);
        Assert.Equal(Mask("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"), StatusField(output, "CapBnd"));
        Assert.Equal(Mask("CAP_KILL", "CAP_NET_BIND_SERVICE"), StatusField(output, "CapInh"));
        Assert.Equal(Mask("CAP_KILL", "CAP_NET_BIND_SERVICE"), StatusField(output, "CapAmb"));
        Assert.Equal(Mask("CAP_KILL", "CAP_NET_BIND_SERVICE"), StatusField(output, "CapPrm"));
        Assert.Equal(Mask("CAP_KILL", "CAP_NET_BIND_SERVICE"), StatusField(output, "CapEff"));
    }

    [Fact]
    public void Capabilities_None_NonRootHasEmptySets()
    {
        var b = R.NewBundle().Sh(PrintCaps);
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        b.Process.Remove("capabilities");
        var output = R.RunOk(b);
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
            Assert.Equal("0000000000000000", StatusField(output, set));
    }

    [Fact]
    public void Capabilities_AreEnforced()
    {
        // Root without CAP_DAC_OVERRIDE cannot read a mode-000 file owned by another user; with it, it can.
        var b = R.NewBundle(privateRootfs: true).Sh("cat /etc/secret 2>&1; echo rc=$?");
        File.WriteAllText(Path.Combine(b.RootfsPath, "etc", "secret"), "top");
        Sh.Run($"chown 1000:1000 {Env.Q(Path.Combine(b.RootfsPath, "etc", "secret"))}; chmod 000 {Env.Q(Path.Combine(b.RootfsPath, "etc", "secret"))}");
        var denied = R.RunOk(b);
        Assert.Contains("Permission denied", denied);
        Assert.Contains("rc=1", denied);

        foreach (var set in new[] { "bounding", "permitted", "effective" })
            b.Process["capabilities"]![set]!.AsArray().Add("CAP_DAC_OVERRIDE");
        Assert.Equal("toprc=0\n", R.RunOk(b));
    }

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "0")]
    public void NoNewPrivileges(bool value, string expected)
    {
        var b = R.NewBundle().Sh("grep '^NoNewPrivs:' /proc/self/status");
        b.Process["noNewPrivileges"] = value;
        Assert.Equal("NoNewPrivs:\t" + expected, R.RunOk(b).TrimEnd('\n'));
    }

    [Fact]
    public void OomScoreAdj_Raised()
    {
        var current = int.Parse(File.ReadAllText("/proc/self/oom_score_adj").Trim(), CultureInfo.InvariantCulture);
        var target = Math.Min(current + 123, 1000);
        var b = R.NewBundle().Args("cat", "/proc/self/oom_score_adj");
        b.Process["oomScoreAdj"] = target;
        Assert.Equal($"{target}\n", R.RunOk(b));
    }

    [Fact]
    public void OomScoreAdj_Absent_InheritsCallers()
    {
        var current = File.ReadAllText("/proc/self/oom_score_adj").Trim();
        var b = R.NewBundle().Args("cat", "/proc/self/oom_score_adj");
        Assert.Equal($"{current}\n", R.RunOk(b));
    }

    [Fact]
    public void OomScoreAdj_LoweringWithoutCapSysResource_Fails()
    {
        // Only meaningful where the caller lacks CAP_SYS_RESOURCE (as root does on this host); elsewhere the
        // lowering is legal and this test has nothing to check.
        var current = int.Parse(File.ReadAllText("/proc/self/oom_score_adj").Trim(), CultureInfo.InvariantCulture);
        if (HasCapSysResource() || current <= -1000) return;
        var b = R.NewBundle().Args("true");
        b.Process["oomScoreAdj"] = Math.Max(current - 500, -1000);
        var id = NewId();
        var r = R.Run(b, id).Fails();
        // runc 1.1.5 reports "can't get final child's PID from pipe: EOF" on stderr (the oom_score_adj detail
        // is only in a "fatal" log line), so the field name is a runsharp-only requirement.
        Env.RunsharpOnly(() => Assert.Contains("oomScoreAdj", r.Stderr));
        Assert.Contains(R.LogLines(), l => (string?)JsonNode.Parse(l)!["level"] == "error");
    }

    [Fact]
    public void PreserveFds_PassesExtraFds()
    {
        var f3 = R.TempPath("fd3.txt");
        var f4 = R.TempPath("fd4.txt");
        File.WriteAllText(f4, "from-fd4\n");
        var b = R.NewBundle().Sh("echo to-fd3 >&3; cat <&4; ls /proc/self/fd | sort -n | tr '\\n' ' '");
        var id = NewId();
        var o = new ExecOptions { ExtraRedirections = $"3>{Env.Q(f3)} 4<{Env.Q(f4)}" };
        var r = R.Run(b, id, o, "--preserve-fds", "2").Ok();
        Assert.Equal("to-fd3\n", File.ReadAllText(f3));
        Assert.StartsWith("from-fd4\n", r.Stdout);
        // 0-4 plus the fd ls uses to read the dir; nothing else leaks.
        Assert.Equal("0 1 2 3 4 5 ", r.Stdout["from-fd4\n".Length..]);
    }

    [Fact]
    public void NoPreserveFds_ExtraFdsAreNotPassed()
    {
        var f3 = R.TempPath("fd3.txt");
        var b = R.NewBundle().Sh("ls /proc/self/fd | sort -n | tr '\\n' ' '; echo; (echo x >&3) 2>/dev/null && echo fd3-open; echo end");
        var id = NewId();
        var r = R.Run(b, id, new ExecOptions { ExtraRedirections = $"3>{Env.Q(f3)}" });
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("0 1 2 3 \nend\n", r.Stdout); // fd 3 here is ls's own dir fd
        Assert.Equal("", File.ReadAllText(f3));
    }

    [Fact]
    public void Args_ArePassedVerbatim()
    {
        var b = R.NewBundle().Args("sh", "-c", "for a in \"$@\"; do echo \"[$a]\"; done", "argv0", "a b", "", "*", "$HOME");
        Assert.Equal("[a b]\n[]\n[*]\n[$HOME]\n", R.RunOk(b));
    }
}
