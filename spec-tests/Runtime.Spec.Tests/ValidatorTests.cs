namespace Runsharp.Spec.Tests;

public class ValidatorTests
{
    /// <summary>A minimal config that passes: process, root, and the namespaces hostname needs.</summary>
    private static Spec Valid() => SpecLoader.ParseConfig("""
        {"ociVersion":"1.2.0","root":{"path":"rootfs"},"hostname":"h",
         "process":{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"/","env":["A=1"]},
         "linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"uts"},{"type":"ipc"},{"type":"network"}]}}
        """);

    private static IReadOnlyList<string> Errors(Spec spec, bool requireProcess = true) =>
        SpecValidator.Validate(spec, bundleDir: null, requireProcess);

    private static void AssertOnly(Spec spec, string expected) => Assert.Equal([expected], Errors(spec));

    [Fact]
    public void MinimalConfigIsValid() => Assert.Empty(Errors(Valid()));

    [Fact]
    public void FullConfigIsValid() => Assert.Empty(Errors(SpecLoader.ParseConfig(FullConfig.Json)));

    [Theory]
    [InlineData("", "ociVersion: must be set")]
    [InlineData("2.0.0", "ociVersion: unsupported version \"2.0.0\" (expected 1.x)")]
    [InlineData("1", "ociVersion: unsupported version \"1\" (expected 1.x)")]
    [InlineData("10.1", "ociVersion: unsupported version \"10.1\" (expected 1.x)")]
    public void OciVersionMustBe1x(string version, string expected)
    {
        var spec = Valid();
        spec.OciVersion = version;
        AssertOnly(spec, expected);
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.0.2-dev")]
    [InlineData("1.2.1")]
    [InlineData("1.3.0+dev")]
    public void AnyOneDotXIsAccepted(string version)
    {
        var spec = Valid();
        spec.OciVersion = version;
        Assert.Empty(Errors(spec));
    }

    [Fact]
    public void RootPathIsRequired()
    {
        var spec = Valid();
        spec.Root = null;
        AssertOnly(spec, "root.path: must be set");
        spec.Root = new Root();
        AssertOnly(spec, "root.path: must be set");
    }

    [Fact]
    public void RootfsMustExistInTheBundle()
    {
        string bundle = Directory.CreateTempSubdirectory("runsharp-spec-").FullName;
        try
        {
            var spec = Valid();
            Assert.Equal([$"root.path: {bundle}/rootfs: no such file or directory"], SpecValidator.Validate(spec, bundle));
            File.WriteAllText(Path.Combine(bundle, "rootfs"), "");
            Assert.Equal([$"root.path: {bundle}/rootfs: not a directory"], SpecValidator.Validate(spec, bundle));
            File.Delete(Path.Combine(bundle, "rootfs"));
            Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
            Assert.Empty(SpecValidator.Validate(spec, bundle));
        }
        finally { Directory.Delete(bundle, true); }
    }

    [Fact]
    public void ProcessIsRequiredOnlyWhenTheCallerSaysSo()
    {
        var spec = Valid();
        spec.Process = null;
        Assert.Equal(["process: must be set"], Errors(spec, requireProcess: true));
        Assert.Empty(Errors(spec, requireProcess: false));
    }

    [Fact]
    public void EveryProblemIsReported()
    {
        var spec = Valid();
        spec.Process!.Args = [];
        spec.Process.Cwd = "relative";
        spec.Process.Env = ["A=1", "NOEQUALS", "=x"];
        Assert.Equal(
        [
            "process.args: must not be empty",
            "process.cwd: must be an absolute path, got \"relative\"",
            "process.env[1]: expected KEY=value, got \"NOEQUALS\"",
            "process.env[2]: empty variable name in \"=x\"",
        ], Errors(spec));
    }

    [Fact]
    public void NullArgumentsAreReported()
    {
        var spec = SpecLoader.ParseConfig("""{"ociVersion":"1.2.0","root":{"path":"r"},"process":{"user":{"uid":0,"gid":0},"args":[null,"a",null],"cwd":"/"}}""");
        Assert.Equal(["process.args[0]: must not be empty", "process.args[2]: must be a string, got null"], Errors(spec));
    }

    [Fact]
    public void MalformedCapabilityNamesAreErrors()
    {
        var spec = Valid();
        spec.Process!.Capabilities = new LinuxCapabilities
        {
            Bounding = ["CAP_CHOWN", "CAP_CHECKPOINT_RESTORE"],
            Effective = ["CAP_KILL", "KILL", "CAP_", "cap_kill", "CAP_KILL ", "CAP_" + new string('X', 61)],
        };
        Assert.Equal(
        [
            "process.capabilities.effective[1]: \"KILL\" is not a capability name (CAP_ followed by upper-case letters, digits or _)",
            "process.capabilities.effective[2]: \"CAP_\" is not a capability name (CAP_ followed by upper-case letters, digits or _)",
            "process.capabilities.effective[3]: \"cap_kill\" is not a capability name (CAP_ followed by upper-case letters, digits or _)",
            "process.capabilities.effective[4]: \"CAP_KILL \" is not a capability name (CAP_ followed by upper-case letters, digits or _)",
            $"process.capabilities.effective[5]: \"CAP_{new string('X', 61)}\" is not a capability name (CAP_ followed by upper-case letters, digits or _)",
        ], Errors(spec));
    }

    [Fact]
    public void UnknownWellFormedCapabilityIsAWarningNotAnError()
    {
        // runtime-spec config.md: a capability that cannot be mapped to the kernel MUST be logged as a warning,
        // and runtimes SHOULD NOT fail.
        var spec = Valid();
        spec.Process!.Capabilities = new LinuxCapabilities { Bounding = ["CAP_KILL", "CAP_TEST"], Ambient = ["CAP_FUTURE_2"] };
        var result = SpecValidator.Check(spec, null);
        Assert.Empty(result.Errors);
        Assert.Equal(
        [
            "process.capabilities.bounding[1]: unknown capability \"CAP_TEST\" ignored",
            "process.capabilities.ambient[0]: unknown capability \"CAP_FUTURE_2\" ignored",
        ], result.Warnings);
    }

    [Fact]
    public void CapabilityTableHasAll41()
    {
        Assert.Equal(41, CapabilityNames.All.Count);
        Assert.True(CapabilityNames.TryGetNumber("CAP_SYS_ADMIN", out int sysAdmin));
        Assert.Equal(21, sysAdmin);
        Assert.True(CapabilityNames.TryGetNumber("CAP_CHECKPOINT_RESTORE", out int last));
        Assert.Equal(40, last);
    }

    [Fact]
    public void RlimitsMustBeKnownUniqueAndOrdered()
    {
        var spec = Valid();
        spec.Process!.Rlimits =
        [
            new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 10, Hard = 20 },
            new PosixRlimit { Type = "RLIMIT_BOGUS", Soft = 1, Hard = 1 },
            new PosixRlimit { Type = "RLIMIT_NOFILE", Soft = 1, Hard = 1 },
            new PosixRlimit { Type = "RLIMIT_CORE", Soft = 5, Hard = 4 },
        ];
        Assert.Equal(
        [
            "process.rlimits[1].type: unknown rlimit \"RLIMIT_BOGUS\"",
            "process.rlimits[2].type: duplicate rlimit RLIMIT_NOFILE",
            "process.rlimits[3]: soft limit 5 is greater than hard limit 4",
        ], Errors(spec));
        Assert.True(RlimitNames.TryGetNumber("RLIMIT_NOFILE", out int nofile));
        Assert.Equal(7, nofile);
    }

    [Theory]
    [InlineData(-1001, false)]
    [InlineData(-1000, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    public void OomScoreAdjRange(int value, bool ok)
    {
        var spec = Valid();
        spec.Process!.OomScoreAdj = value;
        if (ok) Assert.Empty(Errors(spec));
        else AssertOnly(spec, $"process.oomScoreAdj: {value} is out of range (-1000 to 1000)");
    }

    [Fact]
    public void MountDestinationRules()
    {
        var spec = Valid();
        spec.Mounts = [new Mount { Destination = "/ok" }, new Mount { Destination = "" }, new Mount { Destination = "rel" }];
        var result = SpecValidator.Check(spec, null);
        Assert.Equal(["mounts[1].destination: must be set"], result.Errors);
        // runc accepts a relative destination with a deprecation warning; so do we.
        Assert.Equal(["mounts[2].destination: relative path \"rel\" is deprecated, using it as relative to /"], result.Warnings);
    }

    [Fact]
    public void IdMappedMountsNeedBothMapsAndABind()
    {
        var spec = Valid();
        var map = new List<LinuxIdMapping> { new() { ContainerId = 0, HostId = 1000, Size = 1 } };
        spec.Mounts =
        [
            new Mount { Destination = "/a", Type = "bind", Source = "/x", UidMappings = map },
            new Mount { Destination = "/b", Type = "tmpfs", UidMappings = map, GidMappings = map },
        ];
        Assert.Equal(
        [
            "mounts[0]: id-mapped mounts need both uidMappings and gidMappings",
            "mounts[1]: id-mapped mounts are only supported for bind mounts",
        ], Errors(spec));
    }

    [Fact]
    public void NamespaceTypesMustBeKnownAndUnique()
    {
        var spec = Valid();
        spec.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "net" });
        spec.Linux.Namespaces.Add(new LinuxNamespace { Type = "pid", Path = "/proc/1/ns/pid" });
        spec.Linux.Namespaces.Add(new LinuxNamespace { Type = "cgroup", Path = "proc/1/ns/cgroup" });
        Assert.Equal(
        [
            "linux.namespaces[5].type: unknown namespace type \"net\"",
            "linux.namespaces[6].type: duplicate namespace type \"pid\"",
            "linux.namespaces[7].path: must be an absolute path, got \"proc/1/ns/cgroup\"",
        ], Errors(spec));
    }

    [Fact]
    public void EveryNamespaceTypeMayBeJoinedByPath()
    {
        var spec = Valid();
        spec.Linux!.Namespaces = NamespaceTypes.All.Select(t => new LinuxNamespace { Type = t, Path = $"/proc/1/ns/{t}" }).ToList();
        Assert.Empty(Errors(spec));
    }

    [Fact]
    public void HostnameAndDomainnameNeedAUtsNamespace()
    {
        var spec = Valid();
        spec.Domainname = "d";
        spec.Linux!.Namespaces!.RemoveAll(n => n.Type == "uts");
        Assert.Equal(["hostname: requires a private uts namespace", "domainname: requires a private uts namespace"], Errors(spec));
    }

    [Fact]
    public void UserNamespaceAndMappingsGoTogether()
    {
        var spec = Valid();
        spec.Linux!.UidMappings = [new LinuxIdMapping { HostId = 1000, Size = 1 }];
        AssertOnly(spec, "linux: uidMappings and gidMappings require a user namespace");

        spec = Valid();
        spec.Linux!.Namespaces!.Add(new LinuxNamespace { Type = "user" });
        AssertOnly(spec, "linux.namespaces: a new user namespace needs linux.uidMappings and linux.gidMappings");

        spec.Linux.UidMappings = [new LinuxIdMapping { HostId = 1000, Size = 0 }];
        spec.Linux.GidMappings = [new LinuxIdMapping { HostId = 1000, Size = 1 }];
        AssertOnly(spec, "linux.uidMappings[0].size: must not be 0");
    }

    [Fact]
    public void TimeOffsetsNeedANewTimeNamespace()
    {
        var spec = Valid();
        spec.Linux!.TimeOffsets = new() { ["monotonic"] = new LinuxTimeOffset { Secs = 1 } };
        AssertOnly(spec, "linux.timeOffsets: requires a time namespace");
        spec.Linux.Namespaces!.Add(new LinuxNamespace { Type = "time" });
        spec.Linux.TimeOffsets["realtime"] = new LinuxTimeOffset();
        AssertOnly(spec, "linux.timeOffsets[\"realtime\"]: unknown clock (expected monotonic or boottime)");
    }

    [Fact]
    public void DevicesNeedAKnownTypeAndAbsolutePath()
    {
        var spec = Valid();
        spec.Linux!.Devices =
        [
            new LinuxDevice { Path = "/dev/a", Type = "c", Major = 1, Minor = 3 },
            new LinuxDevice { Path = "/dev/b", Type = "u" },
            new LinuxDevice { Path = "/dev/c", Type = "p" },
            new LinuxDevice { Path = "/dev/d", Type = "b" },
            new LinuxDevice { Path = "dev/e", Type = "x" },
        ];
        Assert.Equal(
        [
            "linux.devices[4].path: must be an absolute path, got \"dev/e\"",
            "linux.devices[4].type: must be one of c, b, u, p, got \"x\"",
        ], Errors(spec));
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", null)]
    [InlineData("net/ipv4/conf/eth0.100/forwarding", null)]
    [InlineData("kernel.shmmax", null)]
    [InlineData("fs.mqueue.msg_max", null)]
    [InlineData("kernel.domainname", null)]
    [InlineData("kernel.hostname", "conflicts with the hostname field, set that instead")]
    [InlineData("user.max_user_namespaces", "requires a user namespace")]
    [InlineData("vm.swappiness", "is not namespaced, so a container may not set it")]
    public void SysctlNeedsTheNamespaceThatScopesIt(string key, string? problem)
    {
        var spec = Valid();
        spec.Linux!.Sysctl = new() { [key] = "1" };
        if (problem is null) Assert.Empty(Errors(spec));
        else AssertOnly(spec, $"linux.sysctl[\"{key}\"]: {problem}");
    }

    [Fact]
    public void NetSysctlWithoutNetworkNamespaceIsRejected()
    {
        var spec = Valid();
        spec.Linux!.Namespaces!.RemoveAll(n => n.Type is "network" or "ipc");
        spec.Linux.Sysctl = new() { ["net.core.somaxconn"] = "1", ["kernel.sem"] = "1" };
        Assert.Equal(
        [
            "linux.sysctl[\"net.core.somaxconn\"]: requires a private network namespace",
            "linux.sysctl[\"kernel.sem\"]: requires a private ipc namespace",
        ], Errors(spec));
    }

    [Fact]
    public void MaskedPathsNeedAMountNamespaceAndAbsolutePaths()
    {
        var spec = Valid();
        spec.Linux!.Namespaces!.RemoveAll(n => n.Type == "mount");
        spec.Linux.MaskedPaths = ["proc/kcore"];
        Assert.Equal(
        [
            "linux.maskedPaths[0]: must be an absolute path, got \"proc/kcore\"",
            "linux: maskedPaths and readonlyPaths require a private mount namespace",
        ], Errors(spec));
    }

    [Fact]
    public void HooksNeedAbsolutePathsAndPositiveTimeouts()
    {
        var spec = Valid();
        spec.Hooks = new Hooks
        {
            CreateRuntime = [new Hook { Path = "/bin/ok", Timeout = 1 }, new Hook { Path = "rel" }],
            Poststop = [new Hook { Path = "/bin/x", Timeout = 0 }],
        };
        Assert.Equal(
        [
            "hooks.createRuntime[1].path: must be an absolute path, got \"rel\"",
            "hooks.poststop[0].timeout: must be positive, got 0",
        ], Errors(spec));
    }

    [Fact]
    public void SeccompNamesMustBeKnown()
    {
        var spec = Valid();
        spec.Linux!.Seccomp = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_NOPE",
            Architectures = ["SCMP_ARCH_X86_64", "x86_64"],
            Syscalls =
            [
                new LinuxSyscall { Names = [], Action = "SCMP_ACT_ALLOW" },
                new LinuxSyscall { Names = ["mkdir"], Action = "SCMP_ACT_NOTIFY", Args = [new LinuxSeccompArg { Index = 6, Op = "EQ" }] },
            ],
        };
        Assert.Equal(
        [
            "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"",
            "linux.seccomp.architectures[1]: unknown architecture \"x86_64\"",
            "linux.seccomp.syscalls[0].names: must not be empty",
            "linux.seccomp.syscalls[1].args[0].index: 6 is out of range (0 to 5)",
            "linux.seccomp.syscalls[1].args[0].op: unknown operator \"EQ\"",
            "linux.seccomp.listenerPath: must be set when a rule uses SCMP_ACT_NOTIFY",
        ], Errors(spec));
    }

    [Fact]
    public void ResourceShapesAreChecked()
    {
        var spec = Valid();
        spec.Linux!.Resources = new LinuxResources
        {
            Devices = [new LinuxDeviceCgroup { Allow = true, Type = "x", Access = "rwx" }],
            Memory = new LinuxMemory { Limit = -2, Swappiness = ulong.MaxValue },
        };
        Assert.Equal(
        [
            "linux.resources.devices[0].type: must be one of a, c, b, got \"x\"",
            "linux.resources.devices[0].access: must be made of r, w, m, got \"rwx\"",
            "linux.resources.memory.limit: -2 is invalid (bytes, or -1 for unlimited)",
        ], Errors(spec));
    }

    [Fact]
    public void SchedulerAndIoPriorityFollowRunc()
    {
        var spec = Valid();
        spec.Process!.Scheduler = new Scheduler { Policy = "SCHED_OTHER", Nice = 20, Priority = 1, Runtime = 5 };
        spec.Process.IoPriority = new LinuxIoPriority { Class = "IOPRIO_CLASS_XX", Priority = 8 };
        Assert.Equal(
        [
            "process.ioPriority.class: unknown class \"IOPRIO_CLASS_XX\"",
            "process.ioPriority.priority: 8 is out of range (0 to 7)",
            "process.scheduler.nice: 20 is out of range (-20 to 19)",
            "process.scheduler.priority: only allowed with SCHED_FIFO or SCHED_RR",
            "process.scheduler: runtime, deadline and period are only allowed with SCHED_DEADLINE",
        ], Errors(spec));
    }

    [Fact]
    public void ValidateProcessForExec()
    {
        var process = SpecLoader.ParseProcess("""{"user":{"uid":0,"gid":0},"args":[],"cwd":"tmp","env":["X"]}""");
        Assert.Equal(
        [
            "process.args: must not be empty",
            "process.cwd: must be an absolute path, got \"tmp\"",
            "process.env[0]: expected KEY=value, got \"X\"",
        ], SpecValidator.ValidateProcess(process));
        Assert.Equal(["cwd: must be set"], SpecValidator.ValidateProcess(new Process { User = new User(), Args = ["x"] }, path: ""));
    }

    [Fact]
    public void ProcessUserIsRequired()
    {
        // runtime-spec: process.user is REQUIRED on Linux (runc would run the process as uid 0).
        var missing = SpecLoader.ParseProcess("""{"args":["x"],"cwd":"/"}""");
        Assert.Equal(["process.user: must be set (uid and gid)"], SpecValidator.ValidateProcess(missing));
        var e = Assert.Throws<SpecException>(() => SpecLoader.ParseProcess("""{"user":null,"args":["x"],"cwd":"/"}"""));
        Assert.Equal("user: expected an object, got null", e.Message);
    }

    [Theory]
    [InlineData("c", -1, 3, "linux.devices[0].major: -1 is out of range (0 to 4095)")]
    [InlineData("b", 4096, 3, "linux.devices[0].major: 4096 is out of range (0 to 4095)")]
    [InlineData("c", 1, -1, "linux.devices[0].minor: -1 is out of range (0 to 1048575)")]
    [InlineData("u", 1, 1048576, "linux.devices[0].minor: 1048576 is out of range (0 to 1048575)")]
    public void DeviceNumbersMustFitDevT(string type, long major, long minor, string expected)
    {
        var spec = Valid();
        spec.Linux!.Devices = [new LinuxDevice { Path = "/dev/x", Type = type, Major = major, Minor = minor }];
        AssertOnly(spec, expected);
    }

    [Fact]
    public void FifoDeviceNumbersAreIgnored()
    {
        var spec = Valid();
        spec.Linux!.Devices = [new LinuxDevice { Path = "/dev/f", Type = "p", Major = -1, Minor = -1 }];
        Assert.Empty(Errors(spec));
    }
}
