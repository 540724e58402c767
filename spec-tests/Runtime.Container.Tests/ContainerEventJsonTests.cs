using Runsharp.Cgroups.Stats;
using Runsharp.Container.Monitoring;

namespace Runsharp.Container.Tests;

/// <summary>`events` lines byte for byte against runc 1.1.5's on this machine (Go's omitempty rules included).</summary>
public class ContainerEventJsonTests
{
    [Fact]
    public void V2_stats_match_runc_byte_for_byte()
    {
        // runc 1.1.5 `events --stats` of a busybox container in a private cgroup2 mount on this host (only hugetlb
        // is a v2 controller here, so memory and pids come from nothing but cgroup.procs).
        const string runc =
            "{'type':'stats','id':'v2a','data':{'cpu':{'usage':{'total':9066000,'kernel':6044000,'user':3022000},'throttling':{}}," +
            "'cpuset':{'cpu_exclusive':0,'mem_hardwall':0,'mem_exclusive':0,'memory_migrate':0,'memory_spread_page':0,'memory_spread_slab':0,'memory_pressure':0,'sched_load_balance':0,'sched_relax_domain_level':0}," +
            "'memory':{'usage':{'limit':0,'failcnt':0},'swap':{'limit':0,'failcnt':0},'kernel':{'limit':0,'failcnt':0},'kernelTCP':{'limit':0,'failcnt':0}}," +
            "'pids':{'current':1},'blkio':{},'hugetlb':{'1GB':{'failcnt':0},'2MB':{'failcnt':0}},'intel_rdt':{},'network_interfaces':null}}";
        var stats = new CgroupStats();
        stats.Cpu.Usage.Total = 9066000;
        stats.Cpu.Usage.Kernel = 6044000;
        stats.Cpu.Usage.User = 3022000;
        stats.Pids.Current = 1;
        stats.Hugetlb["1GB"] = new HugetlbStats();
        stats.Hugetlb["2MB"] = new HugetlbStats();
        Assert.Equal(runc.Replace('\'', '"'), new ContainerEvent { Type = "stats", Id = "v2a", Data = stats }.ToJson());
    }

    [Fact]
    public void V1_stats_keep_runc_omitempty_rules()
    {
        var stats = new CgroupStats();
        stats.Cpu.Usage = new CpuUsage { Total = 10160254, PerCpu = [8052306, 2107948], PerCpuKernel = [8000000, 0], PerCpuUser = [0, 0], Kernel = 10000000 };
        stats.Cpuset = new CpusetStats { Cpus = [0, 1], Mems = [0], SchedLoadBalance = 1, SchedRelaxDomainLevel = -1 };
        stats.Memory.Usage = new MemoryEntry { Limit = 9223372036854771712, Usage = 741376, Max = 2777088 };
        stats.Memory.KernelTcp = new MemoryEntry { Limit = 9223372036854771712 };
        stats.Memory.Raw = new Dictionary<string, ulong> { ["active_anon"] = 4096, ["cache"] = 0 };
        stats.Blkio.IoServicedRecursive = [new BlkioEntry { Major = 8, Minor = 0, Op = "Read", Value = 10 }, new BlkioEntry { Major = 8, Op = "Write" }];
        const string expected =
            "{'type':'stats','id':'x','data':{'cpu':{'usage':{'total':10160254,'percpu':[8052306,2107948],'percpu_kernel':[8000000,0],'percpu_user':[0,0],'kernel':10000000,'user':0},'throttling':{}}," +
            "'cpuset':{'cpus':[0,1],'cpu_exclusive':0,'mems':[0],'mem_hardwall':0,'mem_exclusive':0,'memory_migrate':0,'memory_spread_page':0,'memory_spread_slab':0,'memory_pressure':0,'sched_load_balance':1,'sched_relax_domain_level':-1}," +
            "'memory':{'usage':{'limit':9223372036854771712,'usage':741376,'max':2777088,'failcnt':0},'swap':{'limit':0,'failcnt':0},'kernel':{'limit':0,'failcnt':0},'kernelTCP':{'limit':9223372036854771712,'failcnt':0},'raw':{'active_anon':4096,'cache':0}}," +
            "'pids':{},'blkio':{'ioServicedRecursive':[{'major':8,'op':'Read','value':10},{'major':8,'op':'Write'}]},'hugetlb':{},'intel_rdt':{},'network_interfaces':null}}";
        Assert.Equal(expected.Replace('\'', '"'), new ContainerEvent { Type = "stats", Id = "x", Data = stats }.ToJson());
    }

    [Fact]
    public void Oom_events_have_no_data_and_ids_are_not_escaped()
    {
        Assert.Equal("{\"type\":\"oom\",\"id\":\"a+b.c_d-1\"}", new ContainerEvent { Type = ContainerEvent.OomType, Id = "a+b.c_d-1" }.ToJson());
    }
}
