namespace Runsharp.Cgroups.Tests;

/// <summary>The freezer and cgroup.kill against the real kernel: the v1 freezer of this hybrid host, and the
/// v2 freezer of its controller-less cgroup2 mount (cgroup.freeze and cgroup.kill are core files, present
/// without any controller).</summary>
public class RealFreezerTests
{
    const string Unified = "/sys/fs/cgroup/unified";

    static string Read(string dir, string file) => File.ReadAllText(Path.Combine(dir, file)).Trim();

    /// <summary>The one-letter state in /proc/pid/stat (after the command name).</summary>
    static char ProcState(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    /// <summary>A manager for the cgroup2 hierarchy alone, as on a pure v2 host.</summary>
    static ICgroupManager V2Only(string name) =>
        CgroupManagerFactory.Load(CgroupMode.Unified, new CgroupPaths("/" + name, new Dictionary<string, string>(), Path.Combine(Unified, name)), 0);

    [HybridRootFact]
    public void V1_freeze_stops_the_processes_and_thaw_lets_them_go()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            var freezer = m.Paths.V1["freezer"];
            using (var sleeper = new Sleeper())
            {
                m.AddProcess(sleeper.Pid);
                Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
                m.Freeze();
                Assert.Equal("FROZEN", Read(freezer, "freezer.state"));
                Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
                // A v1-frozen task sleeps uninterruptibly in the refrigerator.
                Assert.Equal('D', ProcState(sleeper.Pid));
                // Freezing twice is harmless.
                m.Freeze();
                m.Thaw();
                Assert.Equal("THAWED", Read(freezer, "freezer.state"));
                Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
                // Woken: running or back asleep, no longer in the refrigerator.
                Assert.NotEqual('D', ProcState(sleeper.Pid));
                sleeper.Kill();
            }
            m.Destroy();
            Assert.False(TestCgroups.LeftAnywhere(name));
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void V1_a_cgroup_frozen_by_its_parent_is_not_itself_frozen()
    {
        var name = TestCgroups.NewName();
        try
        {
            var parent = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            var child = CgroupManagerFactory.Create(CgroupHost.Detect(), $"/{name}/child", "x");
            child.Create();
            parent.Freeze();
            Assert.Equal("FROZEN", Read(child.Paths.V1["freezer"], "freezer.state"));
            Assert.Equal(FreezerState.Frozen, parent.GetFreezerState());
            Assert.Equal(FreezerState.Thawed, child.GetFreezerState());
            parent.Thaw();
            child.Destroy();
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void V2_freeze_waits_for_cgroup_events_and_thaw_undoes_it()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = V2Only(name);
            m.Create();
            using (var sleeper = new Sleeper())
            {
                m.AddProcess(sleeper.Pid);
                Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
                m.Freeze();
                Assert.Contains("frozen 1", Read(m.V2Path!, "cgroup.events"));
                Assert.Equal("1", Read(m.V2Path!, "cgroup.freeze"));
                Assert.Equal(FreezerState.Frozen, m.GetFreezerState());
                m.Thaw();
                Assert.Contains("frozen 0", Read(m.V2Path!, "cgroup.events"));
                Assert.Equal(FreezerState.Thawed, m.GetFreezerState());
                sleeper.Kill();
            }
            m.Destroy();
            Assert.False(Directory.Exists(Path.Combine(Unified, name)));
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void CgroupKill_kills_every_process_below_even_frozen_ones()
    {
        var name = TestCgroups.NewName();
        try
        {
            // Processes only in leaves: this host's cgroup2 offers hugetlb, which Create enables in parents,
            // and a v2 cgroup with controllers enabled for its children may hold no processes itself.
            var top = V2Only(name);
            var a = V2Only($"{name}/a");
            var b = V2Only($"{name}/b");
            a.Create();
            b.Create();
            using var first = new Sleeper();
            using var second = new Sleeper();
            a.AddProcess(first.Pid);
            b.AddProcess(second.Pid);
            Assert.Empty(top.GetPids());
            Assert.Equal(new[] { first.Pid, second.Pid }.Order(), top.GetAllPids().Order());
            b.Freeze();
            if (!File.Exists(Path.Combine(top.V2Path!, "cgroup.kill")))
            {
                Assert.False(top.TryKillAll()); // a kernel before 5.14
                b.Thaw();
                return;
            }
            Assert.True(top.TryKillAll());
            foreach (var pid in new[] { first.Pid, second.Pid })
            {
                var deadline = DateTime.UtcNow.AddSeconds(5);
                while (File.Exists($"/proc/{pid}/stat") && ProcState(pid) != 'Z' && DateTime.UtcNow < deadline)
                    Thread.Sleep(10);
                Assert.True(!File.Exists($"/proc/{pid}/stat") || ProcState(pid) == 'Z', $"pid {pid} survived cgroup.kill");
            }
            first.Kill();
            second.Kill();
            b.Thaw();
            a.Destroy();
            b.Destroy();
            Directory.Delete(top.V2Path!);
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void GetAllPids_includes_child_cgroups()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            var child = CgroupManagerFactory.Create(CgroupHost.Detect(), $"/{name}/child", "x");
            m.Create();
            child.Create();
            using (var a = new Sleeper())
            using (var b = new Sleeper())
            {
                m.AddProcess(a.Pid);
                child.AddProcess(b.Pid);
                Assert.Equal([a.Pid], m.GetPids());
                Assert.Equal(new[] { a.Pid, b.Pid }.Order(), m.GetAllPids().Order());
                a.Kill();
                b.Kill();
            }
            child.Destroy();
            m.Destroy();
            Assert.False(TestCgroups.LeftAnywhere(name));
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }
}
