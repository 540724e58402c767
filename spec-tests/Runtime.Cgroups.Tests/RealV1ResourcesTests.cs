using Runsharp.Spec;

namespace Runsharp.Cgroups.Tests;

/// <summary>The v1 resources against this machine's kernel, under test-owned cgroup names that are always removed.</summary>
public class RealV1ResourcesTests
{
    static string Read(string dir, string file) => File.ReadAllText(Path.Combine(dir, file)).Trim();

    static LinuxDeviceCgroup Rule(bool allow, string? type, long? major, long? minor, string? access) =>
        new() { Allow = allow, Type = type, Major = major, Minor = minor, Access = access };

    [HybridRootFact]
    public void A_new_cgroup_gets_the_default_list_and_spec_rules_come_first_in_order()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            var dir = m.Paths.V1["devices"];
            var defaults = Read(dir, "devices.list").Split('\n');
            Assert.Equal("c *:* m", defaults[0]);
            Assert.Contains("c 1:3 rwm", defaults);
            Assert.Contains("c 136:* rwm", defaults);
            Assert.DoesNotContain("a *:* rwm", defaults);

            m.Set(new LinuxResources
            {
                Devices =
                [
                    Rule(false, null, null, null, "rwm"), Rule(true, "c", 10, 229, "rwm"),
                    Rule(true, "b", 8, 20, "rw"), Rule(true, "b", 10, 200, "r"),
                ],
            });
            var list = Read(dir, "devices.list").Split('\n');
            Assert.Equal(["c 10:229 rwm", "b 8:20 rw", "b 10:200 r", "c *:* m"], list.Take(4));
            Assert.Equal(3 + DeviceRules.Defaults.Count, list.Length);

            // A deny rule after an allow removes that access again.
            m.Set(new LinuxResources { Devices = [Rule(false, null, null, null, null), Rule(true, "c", 10, 229, "rwm"), Rule(false, "c", 10, 229, "w")] });
            Assert.Equal("c 10:229 rm", Read(dir, "devices.list").Split('\n')[0]);
            m.Destroy();
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    [HybridRootFact]
    public void Memory_kernel_tcp_and_blkio_bfq_weight_and_throttle_on_this_kernel()
    {
        var name = TestCgroups.NewName();
        try
        {
            var m = CgroupManagerFactory.Create(CgroupHost.Detect(), "/" + name, "x");
            m.Create();
            m.Set(new LinuxResources { Memory = new LinuxMemory { Limit = 64 << 20, KernelTCP = 16 << 20, Kernel = 32 << 20 } });
            Assert.Equal((16 << 20).ToString(), Read(m.Paths.V1["memory"], "memory.kmem.tcp.limit_in_bytes"));

            var blkio = m.Paths.V1["blkio"];
            var (major, minor) = FirstDisk();
            var io = new LinuxBlockIO
            {
                ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = major, Minor = minor, Rate = 102400 }],
                ThrottleWriteIOPSDevice = [new LinuxThrottleDevice { Major = major, Minor = minor, Rate = 200 }],
            };
            if (File.Exists(Path.Combine(blkio, "blkio.weight")) || File.Exists(Path.Combine(blkio, "blkio.bfq.weight")))
                io.Weight = 500;
            m.Set(new LinuxResources { BlockIO = io });
            Assert.Equal($"{major}:{minor} 102400", Read(blkio, "blkio.throttle.read_bps_device"));
            Assert.Equal($"{major}:{minor} 200", Read(blkio, "blkio.throttle.write_iops_device"));
            if (io.Weight is not null)
            {
                var file = File.Exists(Path.Combine(blkio, "blkio.weight")) ? "blkio.weight" : "blkio.bfq.weight";
                Assert.Contains("500", Read(blkio, file));
            }
            if (!File.Exists(Path.Combine(blkio, "blkio.leaf_weight")))
            {
                var e = Assert.Throws<CgroupException>(() => m.Set(new LinuxResources { BlockIO = new LinuxBlockIO { LeafWeight = 300 } }));
                Assert.Equal($"unable to write 'blkio.leaf_weight' = 300 in {blkio}: no such file or directory", e.Message);
            }
            m.Destroy();
        }
        finally
        {
            TestCgroups.Cleanup(name);
        }
    }

    /// <summary>A whole disk from /proc/partitions (minor numbers of whole disks are multiples of 16 for sd,
    /// 0 for vd/nvme); the throttle files refuse devices that do not exist.</summary>
    static (long, long) FirstDisk()
    {
        foreach (var line in File.ReadAllLines("/proc/partitions").Skip(2))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 4 && !char.IsDigit(f[3][^1]) && !f[3].StartsWith("loop", StringComparison.Ordinal))
                return (long.Parse(f[0]), long.Parse(f[1]));
        }
        throw new InvalidOperationException("no whole disk in /proc/partitions");
    }
}
