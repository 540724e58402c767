using System.Text.Json;

namespace Runsharp.Spec.Tests;

/// <summary>
/// The <see cref="JsonShape{T}"/> writers of the cold commands (spec, features, list --format json) against the
/// source-generated context they replace (<see cref="SpecJsonContext"/>, now test-only), byte for byte, in every
/// output style.
/// </summary>
public class WriterOracleTests
{
    public static TheoryData<string> Styles => ["compact", "indented", "tabbed"];

    private static JsonStyle StyleOf(string name) => name switch
    {
        "compact" => SpecJson.Compact,
        "indented" => SpecJson.Indented,
        _ => SpecJson.Tabbed,
    };

    private static void SameSpec(Spec spec, JsonStyle style)
    {
        Assert.Equal(JsonSerializer.Serialize(spec, SpecJsonOracle.For(style).Spec), SpecJson.Serialize(spec, style));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(spec, SpecJsonOracle.For(style).Spec), SpecJson.SerializeToUtf8(spec, style));
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void DefaultSpecsWriteAsTheContextWroteThem(string styleName)
    {
        var style = StyleOf(styleName);
        SameSpec(DefaultSpec.Create(rootless: false, 0, 0), style);
        SameSpec(DefaultSpec.Create(rootless: true, 1000, 1000), style);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void FullAndRealConfigsWriteAsTheContextWroteThem(string styleName)
    {
        var style = StyleOf(styleName);
        SameSpec(SpecLoader.ParseConfig(FullConfig.Json), style);
        SameSpec(SpecLoader.ParseConfig(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", "runc-spec.json"))), style);
        var process = SpecLoader.ParseConfig(FullConfig.Json).Process!;
        Assert.Equal(JsonSerializer.Serialize(process, SpecJsonOracle.For(style).Process), SpecJson.Serialize(process, style));
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void DefaultsNullsAndEdgeValuesWriteAsTheContextWroteThem(string styleName)
    {
        var style = StyleOf(styleName);
        SameSpec(new Spec(), style);
        var spec = SpecLoader.ParseConfig(FullConfig.Json);
        // Go's omitempty on plain values: false and 0 left out where the model says so, kept elsewhere.
        spec.Root!.Readonly = false;
        spec.Process!.Terminal = false;
        spec.Process.NoNewPrivileges = false;
        spec.Process.Scheduler = new Scheduler { Policy = "SCHED_OTHER" };
        spec.Process.User = new User();
        spec.Process.ConsoleSize = new Box();
        spec.Process.IoPriority = new LinuxIoPriority();
        spec.Process.ExecCPUAffinity = new CpuAffinity();
        spec.Process.Env!.Add(null!);
        spec.Process.Args!.Add("<é> \"quoted\" \u0001 +&'");
        spec.Linux!.TimeOffsets = new() { ["monotonic"] = new LinuxTimeOffset(), ["boottime"] = new LinuxTimeOffset { Secs = -1, Nanosecs = 1 } };
        spec.Linux.NetDevices = new() { ["eth0"] = new LinuxNetDevice(), ["eth1"] = null! };
        spec.Linux.IntelRdt = new LinuxIntelRdt();
        spec.Linux.Seccomp!.Syscalls!.Add(new LinuxSyscall { Args = [new LinuxSeccompArg()] });
        spec.Linux.Devices!.Add(new LinuxDevice());
        spec.Linux.Sysctl = new() { ["a"] = null! };
        spec.Mounts!.Add(null!);
        spec.Hooks!.Prestart = [new Hook(), null!];
        spec.Annotations = [];
        SameSpec(spec, style);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void FeaturesWriteAsTheContextWroteThem(string styleName)
    {
        var style = StyleOf(styleName);
        Assert.Equal(JsonSerializer.Serialize(new Features(), SpecJsonOracle.For(style).Features), SpecJson.Serialize(new Features(), style));
        var features = new Features
        {
            OciVersionMin = "1.0.0", OciVersionMax = "1.2.1", Hooks = ["prestart"], MountOptions = ["ro", "rbind"],
            Annotations = new() { ["org.opencontainers.runc.version"] = "1.1.5", ["x"] = null! },
            PotentiallyUnsafeConfigAnnotations = ["bundle", "org.systemd.property."],
            Linux = new FeaturesLinux
            {
                Namespaces = ["cgroup"], Capabilities = ["CAP_CHOWN"],
                Cgroup = new FeaturesCgroup { V1 = true, V2 = false, Systemd = null, SystemdUser = false, Rdma = true },
                Seccomp = new FeaturesSeccomp { Enabled = true, Actions = ["SCMP_ACT_ALLOW"], Operators = [], Archs = ["SCMP_ARCH_X86_64"], KnownFlags = ["a"], SupportedFlags = ["b"] },
                Apparmor = new FeaturesEnabled { Enabled = false }, Selinux = new FeaturesEnabled(),
                IntelRdt = new FeaturesIntelRdt { Enabled = true, Schemata = false, Monitoring = true },
                MemoryPolicy = new FeaturesMemoryPolicy { Modes = ["MPOL_DEFAULT"], Flags = [] },
                MountExtensions = new FeaturesMountExtensions { Idmap = new FeaturesEnabled { Enabled = true } },
                NetDevices = new FeaturesEnabled { Enabled = true },
            },
        };
        Assert.Equal(JsonSerializer.Serialize(features, SpecJsonOracle.For(style).Features), SpecJson.Serialize(features, style));
        features.Linux.MountExtensions = new FeaturesMountExtensions();
        Assert.Equal(JsonSerializer.Serialize(features, SpecJsonOracle.For(style).Features), SpecJson.Serialize(features, style));
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void ListsWriteAsTheContextWroteThem(string styleName)
    {
        var style = StyleOf(styleName);
        List<ContainerStateOutput> states =
        [
            new() { OciVersion = "1.2.0", Id = "a", Pid = 7, Status = "running", Bundle = "/b/é", Rootfs = "/b/rootfs", Created = "2024-05-06T07:08:09.5Z", Owner = "" },
            new() { Id = "b", Annotations = null },
            new() { Id = "c", Annotations = new() { ["k"] = "v", ["n"] = null! } },
        ];
        Assert.Equal(JsonSerializer.Serialize(states, SpecJsonOracle.For(style).ListContainerStateOutput), SpecJson.Serialize(states, style));
        // An empty map is left out as runc's list does (Go's omitempty); the context would write {}.
        states[1].Annotations = [];
        var listed = System.Text.Json.Nodes.JsonNode.Parse(SpecJson.Serialize(states, style))!.AsArray();
        Assert.False(listed[1]!.AsObject().ContainsKey("annotations"));
        Assert.Equal("v", (string?)listed[2]!["annotations"]!["k"]);
        Assert.Equal(JsonSerializer.Serialize(new List<ContainerStateOutput>(), SpecJsonOracle.For(style).ListContainerStateOutput), SpecJson.Serialize(new List<ContainerStateOutput>(), style));
    }
}
