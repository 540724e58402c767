namespace Runsharp.Cgroups.Tests;

public class OwnCgroupParsingTests
{
    [Fact]
    public void Hybrid_proc_self_cgroup()
    {
        var own = OwnCgroup.Parse("""
            9:name=systemd:/
            4:memory:/process_api/3b1e
            2:cpu,cpuacct:/user.slice
            0::/
            """);
        Assert.Equal("/process_api/3b1e", own.V1["memory"]);
        Assert.Equal("/user.slice", own.V1["cpu"]);
        Assert.Equal("/user.slice", own.V1["cpuacct"]);
        Assert.Equal("/", own.V1["name=systemd"]);
        Assert.Equal("/", own.Unified);
    }

    [Fact]
    public void Unified_proc_self_cgroup()
    {
        var own = OwnCgroup.Parse("0::/user.slice/user-1000.slice/session-2.scope\n");
        Assert.Empty(own.V1);
        Assert.Equal("/user.slice/user-1000.slice/session-2.scope", own.Unified);
    }

    [Fact]
    public void Legacy_has_no_unified_entry_and_paths_may_contain_colons()
    {
        var own = OwnCgroup.Parse("3:pids:/a:b\n1:name=systemd:/x\n");
        Assert.Null(own.Unified);
        Assert.Equal("/a:b", own.V1["pids"]);
    }

    [Fact]
    public void Reads_this_process()
    {
        var own = OwnCgroup.Read();
        Assert.True(own.V1.Count > 0 || own.Unified is not null);
    }
}
