using Runsharp.Cgroups;

namespace Runsharp.Cgroups.Tests;

/// <summary>`exec --cgroup`: parsing runc's two forms and moving the container's directories down to the sub-cgroups.</summary>
public class SubCgroupsTests
{
    private static readonly CgroupPaths V1Container = new("/c1",
        new Dictionary<string, string>
        {
            ["cpu"] = "/sys/fs/cgroup/cpu,cpuacct/c1", ["cpuacct"] = "/sys/fs/cgroup/cpu,cpuacct/c1",
            ["memory"] = "/sys/fs/cgroup/memory/own/c1", ["pids"] = "/sys/fs/cgroup/pids/c1",
            ["name=systemd"] = "/sys/fs/cgroup/systemd/c1",
        },
        "/sys/fs/cgroup/unified/c1");

    private static readonly CgroupPaths V2Container = new("/c1", new Dictionary<string, string>(), "/sys/fs/cgroup/c1");

    private static CgroupPaths Apply(CgroupPaths paths, CgroupMode mode, params string[] args) => SubCgroups.Parse(args).Apply(paths, mode);

    private static string Error(CgroupPaths paths, CgroupMode mode, params string[] args) =>
        Assert.Throws<CgroupException>(() => Apply(paths, mode, args)).Message;

    [Fact]
    public void OnePath_MovesEveryHierarchy_UnifiedToo()
    {
        var p = Apply(V1Container, CgroupMode.Hybrid, "sub/x");
        Assert.All(p.V1, kv => Assert.EndsWith("/c1/sub/x", kv.Value));
        Assert.Equal("/sys/fs/cgroup/memory/own/c1/sub/x", p.V1["memory"]);
        Assert.Equal("/sys/fs/cgroup/unified/c1/sub/x", p.Unified);
    }

    [Theory]
    [InlineData("/sub", "/sys/fs/cgroup/c1/sub")]      // absolute means relative to the container's cgroup
    [InlineData("sub/", "/sys/fs/cgroup/c1/sub")]
    [InlineData("a/../sub", "/sys/fs/cgroup/c1/sub")]
    [InlineData(".", "/sys/fs/cgroup/c1")]             // the container's own cgroup
    [InlineData("", "/sys/fs/cgroup/c1")]
    public void OnePath_OnV2_IsCleanedBelowTheContainersCgroup(string arg, string expected) =>
        Assert.Equal(expected, Apply(V2Container, CgroupMode.Unified, arg).Unified);

    [Theory]
    [InlineData("..")]
    [InlineData("../c1x")]        // runc 1.1.5's prefix check lets this one through
    [InlineData("sub/../../x")]
    public void ClimbingOut_IsRefused(string arg)
    {
        Assert.Contains("is not a sub-cgroup of the container's cgroup", Error(V2Container, CgroupMode.Unified, arg));
        Assert.Contains("is not a sub-cgroup", Error(V1Container, CgroupMode.Legacy, "memory:" + arg));
    }

    [Fact]
    public void PerController_MovesOnlyThoseHierarchies()
    {
        var p = Apply(V1Container, CgroupMode.Hybrid, "memory,pids:sub", "name=systemd:other");
        Assert.Equal("/sys/fs/cgroup/memory/own/c1/sub", p.V1["memory"]);
        Assert.Equal("/sys/fs/cgroup/pids/c1/sub", p.V1["pids"]);
        Assert.Equal("/sys/fs/cgroup/systemd/c1/other", p.V1["name=systemd"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/c1", p.V1["cpu"]);
        Assert.Equal("/sys/fs/cgroup/unified/c1", p.Unified);
    }

    [Fact]
    public void PerController_ACoMountedControllerTakesItsPartnerAlong()
    {
        var p = Apply(V1Container, CgroupMode.Legacy, "cpu:sub");
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/c1/sub", p.V1["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/c1/sub", p.V1["cpuacct"]);
        Assert.Single(p.AllDirs, d => d.Contains("cpu,cpuacct"));
    }

    [Fact]
    public void PerController_CoMountedControllersCannotDisagree() =>
        Assert.Contains("share one hierarchy", Error(V1Container, CgroupMode.Legacy, "cpu:a", "cpuacct:b"));

    [Fact]
    public void PerController_UnknownController() =>
        Assert.Contains("unknown controller rdma (the container's cgroup has cpu, cpuacct, memory, name=systemd, pids)",
            Error(V1Container, CgroupMode.Hybrid, "rdma:sub"));

    [Fact]
    public void PerController_OnV2_AsksForThePathAlone() =>
        Assert.Contains("cgroup v2 has a single hierarchy", Error(V2Container, CgroupMode.Unified, "memory:sub"));

    [Theory]
    [InlineData(new[] { "a", "b" }, "invalid --cgroup argument: a (missing <controller>: prefix)")]
    [InlineData(new[] { "memory:a", "b" }, "invalid --cgroup argument: b (missing <controller>: prefix)")]
    [InlineData(new[] { ":sub" }, "invalid --cgroup argument: :sub (empty <controller> prefix)")]
    [InlineData(new[] { "memory,:sub" }, "invalid --cgroup argument: memory,:sub (empty <controller> prefix)")]
    [InlineData(new[] { "memory:a", "pids,memory:b" }, "invalid --cgroup argument(s): controller memory specified multiple times")]
    public void BadArguments(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<CgroupException>(() => SubCgroups.Parse(args)).Message);

    [Fact]
    public void APathMayHoldAColon() =>
        Assert.Equal("/sys/fs/cgroup/pids/c1/a:b", Apply(V1Container, CgroupMode.Legacy, "pids:a:b").V1["pids"]);
}
