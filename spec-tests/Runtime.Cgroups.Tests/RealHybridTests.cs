using Runsharp.Spec;

namespace Runsharp.Cgroups.Tests;

/// <summary>Against the real cgroupfs of this (hybrid) machine.</summary>
public class RealHybridTests
{
    static string Read(string dir, string file) => File.ReadAllText(Path.Combine(dir, file)).Trim();

    [HybridRootFact]
    public void Create_set_move_destroy_on_v1_and_the_unified_hierarchy()
    {
        var name = TestCgroups.NewName();
        var host = CgroupHost.Detect();
        try
        {
            var m = CgroupManagerFactory.Create(host, "/" + name, "ignored");
            m.Create();
            Assert.Equal(1, m.CreatedDepth);
            Assert.Equal("/sys/fs/cgroup/unified/" + name, m.V2Path);
            m.Set(new LinuxResources
            {
                Memory = new LinuxMemory { Limit = 64 << 20, Reservation = 32 << 20, Swap = 128 << 20, Swappiness = 10, DisableOOMKiller = true },
                Cpu = new LinuxCpu { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0", Mems = "0" },
                Pids = new LinuxPids { Limit = 100 },
            });
            var mem = m.Paths.V1["memory"];
            Assert.Equal((64 << 20).ToString(), Read(mem, "memory.limit_in_bytes"));
            Assert.Equal((32 << 20).ToString(), Read(mem, "memory.soft_limit_in_bytes"));
            if (File.Exists(Path.Combine(mem, "memory.memsw.limit_in_bytes")))
                Assert.Equal((128 << 20).ToString(), Read(mem, "memory.memsw.limit_in_bytes"));
            Assert.Equal("10", Read(mem, "memory.swappiness"));
            Assert.Contains("oom_kill_disable 1", Read(mem, "memory.oom_control"));
            Assert.Equal("512", Read(m.Paths.V1["cpu"], "cpu.shares"));
            Assert.Equal("50000", Read(m.Paths.V1["cpu"], "cpu.cfs_quota_us"));
            Assert.Equal("100000", Read(m.Paths.V1["cpu"], "cpu.cfs_period_us"));
            Assert.Equal("0", Read(m.Paths.V1["cpuset"], "cpuset.cpus"));
            Assert.Equal("0", Read(m.Paths.V1["cpuset"], "cpuset.mems"));
            Assert.Equal("100", Read(m.Paths.V1["pids"], "pids.max"));

            using (var sleeper = new Sleeper())
            {
                m.AddProcess(sleeper.Pid);
                var cg = sleeper.Cgroups();
                foreach (var key in new[] { "memory", "pids", "cpuset", "cpu", "cpuacct", "devices", "freezer", "blkio", "name=systemd", "" })
                    Assert.Equal("/" + name, cg[key]);
                Assert.Equal([sleeper.Pid], m.GetPids());
                Assert.Contains(sleeper.Pid.ToString(), Read(m.V2Path!, "cgroup.procs"));
                sleeper.Kill();
            }
            Assert.Empty(m.GetPids());
            m.Destroy();
            Assert.False(m.Exists());
            Assert.False(TestCgroups.LeftAnywhere(name));
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void Memory_and_swap_can_be_raised_and_lowered_in_either_order()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            var mem = m.Paths.V1["memory"];
            if (!File.Exists(Path.Combine(mem, "memory.memsw.limit_in_bytes")))
                return; // no swap accounting on this kernel: nothing to order
            foreach (var (limit, swap) in new[] { (64L << 20, 128L << 20), (512L << 20, 1L << 30), (32L << 20, 48L << 20), (256L << 20, 256L << 20) })
            {
                m.Set(new LinuxResources { Memory = new LinuxMemory { Limit = limit, Swap = swap } });
                Assert.Equal(limit.ToString(), Read(mem, "memory.limit_in_bytes"));
                Assert.Equal(swap.ToString(), Read(mem, "memory.memsw.limit_in_bytes"));
            }
            m.Set(new LinuxResources { Memory = new LinuxMemory { Limit = -1 } });
            Assert.True(ulong.Parse(Read(mem, "memory.memsw.limit_in_bytes")) > 1UL << 60);
            m.Destroy();
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void New_cpuset_inherits_the_parent_and_accepts_tasks()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), $"/{name}/inner", "x");
            m.Create();
            Assert.Equal(2, m.CreatedDepth);
            var cpuset = m.Paths.V1["cpuset"];
            Assert.Equal(Read("/sys/fs/cgroup/cpuset", "cpuset.cpus"), Read(cpuset, "cpuset.cpus"));
            Assert.Equal(Read("/sys/fs/cgroup/cpuset", "cpuset.mems"), Read(cpuset, "cpuset.mems"));
            using (var sleeper = new Sleeper())
            {
                m.AddProcess(sleeper.Pid);
                Assert.Equal($"/{name}/inner", sleeper.Cgroups()["cpuset"]);
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
    public void Destroy_leaves_a_preexisting_cgroup_and_a_later_process_removes_a_recorded_one()
    {
        var name = TestCgroups.NewName();
        try
        {
            var owner = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            owner.Create();
            var guest = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            guest.Create();
            Assert.Equal(0, guest.CreatedDepth);
            guest.Destroy();
            Assert.True(guest.Exists());

            var later = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x",
                new CgroupManagerOptions { CreatedDepth = owner.CreatedDepth });
            later.Destroy();
            Assert.False(TestCgroups.LeftAnywhere(name));
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void Relative_paths_hang_under_our_own_cgroup_per_controller()
    {
        var name = TestCgroups.NewName();
        var own = OwnCgroup.Read();
        var m = CgroupManagerFactory.Create(CgroupHost.Detect(), name, "x");
        try
        {
            Assert.Equal(name, m.Path);
            Assert.Equal(CgroupPathResolver.Join("/sys/fs/cgroup/memory" + own.V1["memory"], name), m.Paths.V1["memory"]);
            Assert.Equal(CgroupPathResolver.Join("/sys/fs/cgroup/pids" + own.V1["pids"], name), m.Paths.V1["pids"]);
            m.Create();
            Assert.True(Directory.Exists(m.Paths.V1["memory"]));
            m.Destroy();
            Assert.False(Directory.Exists(m.Paths.V1["memory"]));
        }
        finally
        {
            foreach (var dir in m.Paths.AllDirs.Where(Directory.Exists))
                Directory.Delete(dir);
        }
    }

    [HybridRootFact]
    public void Kernel_refusals_carry_the_file_value_dir_and_errno_text()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            var e = Assert.Throws<CgroupException>(() => m.Set(new LinuxResources { Cpu = new LinuxCpu { Cpus = "999" } }));
            Assert.Equal($"unable to write 'cpuset.cpus' = 999 in /sys/fs/cgroup/cpuset/{name}: numerical result out of range", e.Message);
            Assert.Equal(34, e.Errno); // ERANGE: cpu 999 is beyond this machine
            m.Destroy();
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void Destroy_retries_while_a_killed_process_exits_and_reports_ebusy_for_a_live_one()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            using (var live = new Sleeper())
            {
                m.AddProcess(live.Pid);
                var e = Assert.Throws<CgroupException>(m.Destroy);
                Assert.EndsWith(": device or resource busy", e.Message);
                Assert.StartsWith("unable to remove cgroup /sys/fs/cgroup/", e.Message);
                Assert.Equal(16, e.Errno);
                live.Kill(wait: false);
                m.Destroy();
            }
            Assert.False(TestCgroups.LeftAnywhere(name));
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void V2_manager_on_the_private_cgroup2_mount_creates_moves_and_destroys()
    {
        var name = TestCgroups.NewName();
        var unified = CgroupHost.Detect().Unified!;
        // Only the cgroup2 line: the same mount seen as a pure v2 host.
        var host = CgroupHost.Parse($"41 31 0:38 / {unified.MountPoint} rw,relatime - cgroup2 cgroup2 rw");
        Assert.Equal(CgroupMode.Unified, host.Mode);
        try
        {
            var m = CgroupManagerFactory.Create(host, "/" + name, "x");
            m.Create();
            Assert.Equal(Path.Combine(unified.MountPoint, name), m.V2Path);
            m.Set(new LinuxResources()); // nothing asked, nothing needed
            using (var sleeper = new Sleeper())
            {
                m.AddProcess(sleeper.Pid);
                Assert.Equal("/" + name, sleeper.Cgroups()[""]);
                Assert.Equal([sleeper.Pid], m.GetPids());
                if (!Read(m.V2Path!, "cgroup.controllers").Split(' ').Contains("pids"))
                {
                    var e = Assert.Throws<CgroupException>(() => m.Set(new LinuxResources { Pids = new LinuxPids { Limit = 10 } }));
                    Assert.Equal($"cgroup controller 'pids' is not available in {m.V2Path}", e.Message);
                }
                sleeper.Kill(wait: false);
            }
            m.Destroy();
            Assert.False(Directory.Exists(m.V2Path));
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }
}
