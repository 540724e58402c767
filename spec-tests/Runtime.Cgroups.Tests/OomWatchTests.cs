using Runsharp.Cgroups.Stats;
using Runsharp.Linux;

namespace Runsharp.Cgroups.Tests;

/// <summary>The OOM watches: v2 against a fake memory.events (inotify sees ordinary writes), v1 against a real
/// v1 memory cgroup whose limit a child process exceeds.</summary>
public class OomWatchTests
{
    static int Poll(int fd, int timeoutMs)
    {
        Span<short> ready = stackalloc short[1];
        return Notify.Poll([fd], ready, timeoutMs);
    }

    [Fact]
    public void V2_reports_a_rise_of_oom_kill_and_nothing_for_other_changes()
    {
        using var fake = new FakeCgroupfs();
        var dir = fake.Files("c1", ("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n"));
        using var watch = V2OomWatch.TryStart(dir)!;
        Assert.Equal(0, Poll(watch.Fd, 0));

        File.WriteAllText(Path.Combine(dir, "memory.events"), "low 0\nhigh 0\nmax 4\noom 0\noom_kill 0\noom_group_kill 0\n");
        Assert.Equal(1, Poll(watch.Fd, 1000));
        Assert.Equal(0, watch.Collect()); // "max" moved, not oom_kill

        File.WriteAllText(Path.Combine(dir, "memory.events"), "low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\noom_group_kill 0\n");
        Assert.Equal(1, Poll(watch.Fd, 1000));
        Assert.Equal(1, watch.Collect());
        Assert.Equal(0, Poll(watch.Fd, 0)); // drained
        Assert.Equal(0, watch.Collect());
        Assert.False(watch.CgroupRemoved);

        File.Delete(Path.Combine(dir, "memory.events"));
        watch.Collect();
        Assert.True(watch.CgroupRemoved);
    }

    [Fact]
    public void V2_without_memory_events_there_is_nothing_to_watch()
    {
        using var fake = new FakeCgroupfs();
        var dir = fake.Files("c1", ("cpu.stat", "usage_usec 0\n"));
        Assert.Null(V2OomWatch.TryStart(dir));
    }

    [HybridRootFact]
    public void V1_eventfd_fires_on_an_oom_kill_and_on_removal()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            m.Set(new Runsharp.Spec.LinuxResources { Memory = new() { Limit = 8L << 20, Swap = 8L << 20 } });
            using var watch = m.WatchOom()!;
            Assert.Equal(0, Poll(watch.Fd, 0));

            // A shell that joins the cgroup and then holds 64 MiB in tail's buffer: the kernel OOM-kills tail.
            var script = $"echo $$ > {m.Paths.V1["memory"]}/cgroup.procs && head -c 67108864 /dev/zero | tail -c 67108864 > /dev/null";
            using (var p = System.Diagnostics.Process.Start("/bin/sh", ["-c", script]))
            {
                Assert.True(p.WaitForExit(30_000));
                Assert.NotEqual(0, p.ExitCode);
            }
            Assert.Equal(1, Poll(watch.Fd, 5000));
            Assert.Equal(1, watch.Collect());
            Assert.False(watch.CgroupRemoved);

            m.Destroy();
            Assert.Equal(1, Poll(watch.Fd, 5000));
            Assert.Equal(0, watch.Collect());
            Assert.True(watch.CgroupRemoved);
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void V1_stats_of_a_live_cgroup_move()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            m.Set(new Runsharp.Spec.LinuxResources { Pids = new() { Limit = 20 } });
            using var sleeper = new Sleeper();
            m.AddProcess(sleeper.Pid);
            var s = m.GetStats();
            Assert.Equal((1UL, 20UL), (s.Pids.Current, s.Pids.Limit));
            Assert.True(s.Memory.Usage.Limit > 0);
            Assert.NotNull(s.Memory.Raw);
            Assert.NotNull(s.Cpu.Usage.PerCpu);
            Assert.NotNull(s.Cpuset.Cpus);
            sleeper.Kill();
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }
}
