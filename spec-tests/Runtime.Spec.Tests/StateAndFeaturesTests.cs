namespace Runsharp.Spec.Tests;

public class StateAndFeaturesTests
{
    [Fact]
    public void StateOutputAlwaysWritesPidAndDropsEmptyAnnotations()
    {
        var state = new ContainerStateOutput
        {
            OciVersion = "1.2.0", Id = "c1", Pid = 0, Status = ContainerStatus.Stopped, Bundle = "/b",
            Rootfs = "/b/rootfs", Created = "2024-05-06T07:08:09.123456789Z", Owner = "", Annotations = [],
        };
        Assert.Equal(
            """{"ociVersion":"1.2.0","id":"c1","pid":0,"status":"stopped","bundle":"/b","rootfs":"/b/rootfs","created":"2024-05-06T07:08:09.123456789Z","owner":""}""",
            SpecJson.Serialize(state, SpecJson.Compact));
        Assert.NotNull(state.Annotations);

        state.Annotations["k"] = "v";
        Assert.Contains("\"annotations\": {\n    \"k\": \"v\"\n  },\n  \"owner\"", SpecJson.Serialize(state));
    }

    [Fact]
    public void SpecStateOmitsZeroPidForHooks()
    {
        var state = new State { OciVersion = "1.2.0", Id = "c", Status = ContainerStatus.Creating, Bundle = "/b" };
        Assert.Equal("""{"ociVersion":"1.2.0","id":"c","status":"creating","bundle":"/b"}""", SpecJson.Serialize(state));
        state.Pid = 42;
        Assert.Contains("\"pid\":42", SpecJson.Serialize(state));
    }

    [Theory]
    [InlineData(0L, "2024-05-06T07:08:09Z")]
    [InlineData(1_000_000L, "2024-05-06T07:08:09.1Z")]
    [InlineData(1_234_567L, "2024-05-06T07:08:09.1234567Z")]
    [InlineData(10L, "2024-05-06T07:08:09.000001Z")]
    public void TimestampsAreGoRfc3339Nano(long extraTicks, string expected)
    {
        var time = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(extraTicks);
        Assert.Equal(expected, SpecJson.FormatTimestamp(time));
    }

    [Fact]
    public void FeaturesSerializeWithSpecNames()
    {
        var features = new Features
        {
            OciVersionMin = "1.0.0",
            OciVersionMax = "1.2.0",
            Hooks = ["prestart"],
            MountOptions = ["ro"],
            Linux = new FeaturesLinux
            {
                Namespaces = [.. NamespaceTypes.All],
                Capabilities = [.. CapabilityNames.All],
                Cgroup = new FeaturesCgroup { V1 = true, V2 = true, Systemd = false, SystemdUser = false, Rdma = false },
                Seccomp = new FeaturesSeccomp { Enabled = true, Actions = [.. SeccompNames.Actions], KnownFlags = [], SupportedFlags = [] },
                Apparmor = new FeaturesEnabled { Enabled = false },
                Selinux = new FeaturesEnabled { Enabled = false },
                IntelRdt = new FeaturesIntelRdt { Enabled = false },
                MountExtensions = new FeaturesMountExtensions { Idmap = new FeaturesEnabled { Enabled = true } },
            },
            Annotations = new() { ["org.opencontainers.runc.version"] = "x" },
        };
        string json = SpecJson.Serialize(features, SpecJson.Compact);
        Assert.StartsWith("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.2.0\",\"hooks\":[\"prestart\"],\"mountOptions\":[\"ro\"],\"linux\":{\"namespaces\":[\"pid\",", json);
        Assert.Contains("\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false,\"systemdUser\":false,\"rdma\":false}", json);
        Assert.Contains("\"mountExtensions\":{\"idmap\":{\"enabled\":true}}", json);
        Assert.Contains("\"knownFlags\":[]", json);
        var back = SourceGenOracle.Parse(System.Text.Encoding.UTF8.GetBytes(json), SpecJsonContext.Default.Features, "features.json");
        Assert.Equal(41, back.Linux!.Capabilities!.Count);
    }
}
