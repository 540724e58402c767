using System.Text.Json;
using System.Text.Json.Nodes;

namespace Runsharp.Spec.Tests;

public class RoundTripTests
{
    [Fact]
    public void FullConfigLoadsEveryField()
    {
        var spec = SpecLoader.ParseConfig(FullConfig.Json);

        Assert.Equal("1.2.0", spec.OciVersion);
        var p = spec.Process!;
        Assert.True(p.Terminal);
        Assert.Equal(80u, p.ConsoleSize!.Width);
        Assert.Equal(1000u, p.User.Uid);
        Assert.Equal(18u, p.User.Umask);
        Assert.Equal([5u, 6u, uint.MaxValue], p.User.AdditionalGids!);
        Assert.Equal(["sh", "-c", "echo hi"], p.Args!);
        Assert.Equal("/root", p.Cwd);
        Assert.Empty(p.Capabilities!.Inheritable!);
        Assert.Equal(["CAP_CHECKPOINT_RESTORE"], p.Capabilities.Ambient!);
        Assert.Equal(ulong.MaxValue, p.Rlimits![0].Hard);
        Assert.Equal(-500, p.OomScoreAdj);
        Assert.Equal(30000ul, p.Scheduler!.Period);
        Assert.Equal(4, p.IoPriority!.Priority);
        Assert.Equal("7", p.ExecCPUAffinity!.Final);

        Assert.True(spec.Root!.Readonly);
        Assert.Equal("example.org", spec.Domainname);
        Assert.Equal(100000u, spec.Mounts![1].UidMappings![0].HostId);
        Assert.Equal(5, spec.Hooks!.CreateContainer![0].Timeout);
        Assert.Equal(["cleanup.sh", "-f"], spec.Hooks.Poststop![0].Args!);
        Assert.Equal("value1", spec.Annotations!["com.example.key1"]);

        var linux = spec.Linux!;
        Assert.Equal(32000u, linux.GidMappings![0].Size);
        Assert.Equal("1", linux.Sysctl!["net.ipv4.ip_forward"]);
        var r = linux.Resources!;
        Assert.False(r.Devices![0].Allow);
        Assert.Null(r.Devices[0].Major);
        Assert.Equal(229, r.Devices[1].Minor);
        Assert.Equal(-1, r.Memory!.Swap);
        Assert.True(r.Memory.CheckBeforeUpdate);
        Assert.Equal(1, r.Cpu!.Idle);
        Assert.Equal(32771, r.Pids!.Limit);
        Assert.Equal((ushort)300, r.BlockIO!.WeightDevice![0].LeafWeight);
        Assert.Equal(16, r.BlockIO.ThrottleWriteIOPSDevice![0].Minor);
        Assert.Equal("2MB", r.HugepageLimits![0].Pagesize);
        Assert.Equal(1048577u, r.Network!.ClassID);
        Assert.Equal(10000u, r.Rdma!["mlx5_1"].HcaObjects);
        Assert.Equal("max", r.Unified!["memory.high"]);
        Assert.Equal(8, linux.Namespaces!.Count);
        Assert.Equal(438u, linux.Devices![0].FileMode);
        Assert.Null(linux.Devices[1].Uid);
        Assert.Equal("ctr1", linux.NetDevices!["eth1"].Name);
        Assert.Equal(1u, linux.Seccomp!.DefaultErrnoRet);
        Assert.Equal(8ul, linux.Seccomp.Syscalls![1].Args![0].ValueTwo);
        Assert.Equal("SCMP_CMP_MASKED_EQ", linux.Seccomp.Syscalls[1].Args![0].Op);
        Assert.True(linux.IntelRdt!.EnableMonitoring);
        Assert.Equal("MPOL_BIND", linux.MemoryPolicy!.Mode);
        Assert.Equal("LINUX32", linux.Personality!.Domain);
        Assert.Equal(-60, linux.TimeOffsets!["boottime"].Secs);
    }

    [Fact]
    public void RoundTripKeepsEveryModelledMember()
    {
        var spec = SpecLoader.ParseConfig(FullConfig.Json);
        string once = SpecJson.Serialize(spec);
        string twice = SpecJson.Serialize(SpecLoader.ParseConfig(once));
        Assert.Equal(once, twice);

        // Everything in the input except the sections we do not model comes back, value for value.
        var input = JsonNode.Parse(FullConfig.Json)!.AsObject();
        foreach (var name in new[] { "windows", "solaris", "vm", "zos", "someFutureField" }) input.Remove(name);
        Assert.True(JsonNode.DeepEquals(input, JsonNode.Parse(once)), once);
    }

    [Fact]
    public void NullsAndGoOmitEmptyDefaultsAreNotWritten()
    {
        var spec = new Spec
        {
            OciVersion = "1.2.0",
            Process = new Process { Args = ["true"], Cwd = "/" },
            Root = new Root { Path = "rootfs" },
        };
        Assert.Equal(
            """{"ociVersion":"1.2.0","process":{"user":{"uid":0,"gid":0},"args":["true"],"cwd":"/"},"root":{"path":"rootfs"}}""",
            SpecJson.Serialize(spec));
    }

    [Fact]
    public void MemberNamesMatchCaseInsensitivelyLikeGo()
    {
        var spec = SpecLoader.ParseConfig("""{"OCIVERSION":"1.0.2","Process":{"Args":["x"],"CWD":"/"}}""");
        Assert.Equal("1.0.2", spec.OciVersion);
        Assert.Equal("/", spec.Process!.Cwd);
    }

    [Fact]
    public void AnnotationsAndUnknownMembersAreTolerated()
    {
        var spec = SpecLoader.ParseConfig("""
            {"ociVersion":"1.2.0","unknown":{"a":[1,2,3]},"annotations":{"a":"1","b.c/d":""},
             "process":{"cwd":"/","args":["x"],"futureFlag":true},"linux":{"futureSection":{}}}
            """);
        Assert.Equal(2, spec.Annotations!.Count);
        Assert.Equal("", spec.Annotations["b.c/d"]);
        Assert.Contains("\"b.c/d\":\"\"", SpecJson.Serialize(spec));
    }

    [Fact]
    public void Utf8BomAndNonAsciiAreHandled()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. "{\"ociVersion\":\"1.2.0\",\"hostname\":\"h\u00e9\"}"u8];
        var spec = SpecLoader.ParseConfig(json);
        Assert.Equal("h\u00e9", spec.Hostname);
        Assert.Contains("h\u00e9", SpecJson.Serialize(spec));
    }

    [Fact]
    public void ProcessJsonParses()
    {
        var process = SpecLoader.ParseProcess("""{"args":["ls"],"cwd":"/tmp","user":{"uid":5,"gid":6},"env":["A=b"]}""");
        Assert.Equal(5u, process.User.Uid);
        Assert.Equal(["A=b"], process.Env!);
    }

    [Fact]
    public void LoadConfigReadsTheBundle()
    {
        string dir = Directory.CreateTempSubdirectory("runsharp-spec-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), FullConfig.Json);
            Assert.Equal("slartibartfast", SpecLoader.LoadConfig(dir).Hostname);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void BlockIODeviceWritesMajorMinorFirstLikeGo()
    {
        var device = new LinuxWeightDevice { Major = 8, Minor = 1, Weight = 5 };
        var resources = new LinuxResources { BlockIO = new LinuxBlockIO { WeightDevice = [device] } };
        Assert.Equal("""{"blockIO":{"weightDevice":[{"major":8,"minor":1,"weight":5}]}}""",
            JsonSerializer.Serialize(resources, SpecJsonContext.Default.LinuxResources));
    }
}
