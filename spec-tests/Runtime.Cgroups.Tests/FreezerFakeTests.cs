namespace Runsharp.Cgroups.Tests;

/// <summary>The managers' freezer, pids and cgroup.kill plumbing on a fake cgroupfs (plain files: what is
/// written reads back, so these check which files are used, not the kernel's timing).</summary>
public class FreezerFakeTests
{
    static FakeCgroupfs HybridFake() => new FakeCgroupfs()
        .V1("freezer", "freezer").V1("pids", "pids").V1("memory", "memory").V2("unified", "");

    [Fact]
    public void V1_manager_freezes_and_thaws_through_freezer_state()
    {
        using var fs = HybridFake();
        fs.Files("freezer/c", ("freezer.state", "THAWED"), ("freezer.self_freezing", "0"));
        var m = fs.Manager("/c");
        Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
        File.WriteAllText(Path.Combine(fs.Root, "freezer/c/freezer.self_freezing"), "1");
        m.Freeze();
        Assert.Equal("FROZEN", fs.Read("freezer/c", "freezer.state"));
        Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
        File.WriteAllText(Path.Combine(fs.Root, "freezer/c/freezer.self_freezing"), "0");
        m.Thaw();
        Assert.Equal("THAWED", fs.Read("freezer/c", "freezer.state"));
        Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
        // The hybrid host's cgroup2 extra is never used to freeze.
        Assert.False(File.Exists(Path.Combine(fs.Root, "unified/c/cgroup.freeze")));
    }

    [Fact]
    public void V1_manager_without_a_freezer_hierarchy()
    {
        using var fs = new FakeCgroupfs().V1("pids", "pids");
        fs.Files("pids/c", ("cgroup.procs", ""));
        var m = fs.Manager("/c");
        Assert.Equal(FreezerState.Undefined, m.GetFreezerState());
        m.Thaw();
        Assert.Contains("freezer cgroup controller is not mounted", Assert.Throws<CgroupException>(m.Freeze).Message);
    }

    [Fact]
    public void V1_manager_whose_cgroup_is_gone_reads_undefined()
    {
        using var fs = HybridFake();
        Assert.Equal(FreezerState.Undefined, fs.Manager("/gone").GetFreezerState());
    }

    [Fact]
    public void V2_manager_freezes_through_cgroup_freeze_and_cgroup_events()
    {
        using var fs = new FakeCgroupfs().V2("", "pids");
        fs.Files("c", ("cgroup.freeze", "0"), ("cgroup.events", "populated 1\nfrozen 1\n"));
        var m = fs.Manager("/c");
        Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
        m.Freeze();
        Assert.Equal("1", fs.Read("c", "cgroup.freeze"));
        Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
        File.WriteAllText(Path.Combine(fs.Root, "c/cgroup.events"), "populated 1\nfrozen 0\n");
        m.Thaw();
        Assert.Equal("0", fs.Read("c", "cgroup.freeze"));
    }

    [Fact]
    public void GetAllPids_walks_child_cgroups()
    {
        using var fs = HybridFake();
        fs.Files("pids/c", ("cgroup.procs", "10\n11\n"));
        fs.Files("pids/c/sub", ("cgroup.procs", "12\n"));
        fs.Files("pids/c/sub/deeper", ("cgroup.procs", "13\n"));
        var m = fs.Manager("/c");
        Assert.Equal([10, 11], m.GetPids());
        Assert.Equal([10, 11, 12, 13], m.GetAllPids().Order());
    }

    [Fact]
    public void TryKillAll_writes_cgroup_kill_in_the_cgroup2_dir_when_the_kernel_has_it()
    {
        using var fs = HybridFake();
        fs.Files("unified/c", ("cgroup.kill", ""));
        Assert.True(fs.Manager("/c").TryKillAll());
        Assert.Equal("1", fs.Read("unified/c", "cgroup.kill"));

        using var old = HybridFake();
        old.Files("unified/c");
        Assert.False(old.Manager("/c").TryKillAll());

        using var legacy = new FakeCgroupfs().V1("pids", "pids");
        legacy.Files("pids/c");
        Assert.False(legacy.Manager("/c").TryKillAll());
    }
}
