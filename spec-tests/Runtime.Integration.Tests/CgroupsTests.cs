using System.Globalization;

namespace Runtime.Integration.Tests;

/// <summary>linux.cgroupsPath and resources on the host's cgroups: the v1 hierarchies of a hybrid or pure v1 host, or
/// the one cgroup2 tree of a pure v2 host (<see cref="HostCgroups"/>, <see cref="CgroupLimits"/>).</summary>
public class CgroupsTests : IntegrationTest
{
    private Bundle LimitedBundle(string cgroupsPath, string[] args)
    {
        var b = R.NewBundle().Args(args);
        b.Linux["cgroupsPath"] = cgroupsPath;
        var res = b.Linux["resources"]!.AsObject();
        res["memory"] = new JsonObject { ["limit"] = 64L * 1024 * 1024 };
        res["pids"] = new JsonObject { ["limit"] = 42 };
        res["cpu"] = new JsonObject { ["shares"] = 512, ["quota"] = 50000, ["period"] = 100000 };
        return b;
    }

    [Fact]
    public void AbsoluteCgroupsPath_LimitsOnHost_ProcessInside_RemovedOnDelete()
    {
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = LimitedBundle(cg, new[] { "sleep", "30" });
        R.Create(b, id).Ok();
        var pid = R.Pid(id);

        var limits = CgroupLimits.OnHost(cg);
        Assert.Equal((64L * 1024 * 1024).ToString(CultureInfo.InvariantCulture), limits.Memory);
        Assert.Equal("42", limits.Pids);
        Assert.Equal(CgroupLimits.Shares(512), limits.CpuShares);
        Assert.Equal("50000", limits.CpuQuota);
        Assert.Equal("100000", limits.CpuPeriod);
        // The init is in the container's cgroup in every hierarchy (the one tree on v2).
        string[] controllers = HostCgroups.IsV2 ? ["memory"] : ["memory", "pids", "cpu", "cpuacct", "devices", "freezer", "blkio", "cpuset"];
        foreach (var ctrl in controllers)
            Assert.Contains(pid.ToString(CultureInfo.InvariantCulture), Lines(File.ReadAllText(Path.Combine(HostCgroups.Dir(ctrl, cg), "cgroup.procs"))));
        var procCgroup = File.ReadAllText($"/proc/{pid}/cgroup");
        if (HostCgroups.IsV2)
            Assert.Equal($"0::{cg}", procCgroup.Trim());
        else
        {
            Assert.Contains($":memory:{cg}\n", procCgroup);
            Assert.Contains($":pids:{cg}\n", procCgroup);
        }

        R.Start(id).Ok();
        Assert.Equal("running", R.Status(id));
        R.Delete(id, force: true).Ok();
        Assert.Empty(HostCgroups.Remaining(cg));
    }

    [Fact]
    public void LimitsVisibleInsideContainer()
    {
        var id = NewId();
        // The default bundle's "cgroup" mount shows the container its own cgroup: one dir per v1 hierarchy, or its
        // cgroup2 dir on v2 (where quota and period share cpu.max).
        string[] files = HostCgroups.IsV2
            ? ["memory.max", "pids.max", "cpu.weight", "cpu.max"]
            : ["memory/memory.limit_in_bytes", "pids/pids.max", "cpu/cpu.shares", "cpu/cpu.cfs_quota_us"];
        var b = LimitedBundle("/rsit-" + id, new[] { "sh", "-c", "cd /sys/fs/cgroup && cat " + string.Join(' ', files) });
        var r = R.Run(b, id).Ok();
        Assert.Equal(new[] { "67108864", "42", CgroupLimits.Shares(512), HostCgroups.IsV2 ? "50000 100000" : "50000" }, Lines(r.Stdout));
    }

    [Fact]
    public void PidsLimit_IsEnforced()
    {
        var id = NewId();
        var b = R.NewBundle().Sh("for i in 1 2 3 4 5 6 7 8; do sleep 2 & done 2>&1; echo started=$(ls -d /proc/[0-9]* | wc -l)");
        b.Linux["cgroupsPath"] = "/rsit-" + id;
        b.Linux["resources"]!["pids"] = new JsonObject { ["limit"] = 4 };
        var r = R.Run(b, id);
        Assert.Contains("can't fork", r.Stdout + r.Stderr);
    }

    [Fact]
    public void DefaultCgroupsPath_IsPerContainer_AndRemoved()
    {
        // With an empty cgroupsPath runc 1.1.5 uses "<id>" relative to the caller's cgroup in each hierarchy
        // (e.g. memory:/process_api/X/<id> when the caller is in /process_api/X, cpu:/<id> when it is in /).
        var b = R.NewBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        var pid = R.Pid(id);
        // On pure v2 the runtime's own cgroup has processes, so runc (and runsharp) put it under that cgroup's parent.
        var mem = HostCgroups.CgroupOf(pid, "memory");
        var own = Host.OwnCgroup("memory");
        Assert.NotEqual(own, mem);
        var expected = HostCgroups.RelativeBase(own).TrimEnd('/') + "/" + id;
        Assert.Equal(expected, mem);
        Assert.True(Directory.Exists(HostCgroups.Dir(expected)));
        R.Delete(id, force: true).Ok();
        Assert.Empty(HostCgroups.Remaining(expected));
    }

    [Fact]
    public void CgroupDeletedWhenContainerExitsAndIsDeleted()
    {
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = LimitedBundle(cg, new[] { "true" });
        R.Create(b, id).Ok();
        Assert.True(Directory.Exists(HostCgroups.Dir("memory", cg)));
        Assert.True(Directory.Exists(HostCgroups.Dir("pids", cg)));
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        R.Delete(id).Ok();
        Assert.Empty(HostCgroups.Remaining(cg));
    }

    [V1CgroupsFact("one hierarchy per controller, so a parent can exist in one and not another; v2 has one tree")]
    public void Delete_RemovesTheParentsItMade_InEachHierarchy_AndNotOneThatWasThere()
    {
        var id = NewId();
        var parent = "/rsit-" + id + "-p";
        var cg = parent + "/c";
        var theirs = HostCgroups.Dir("memory", parent);
        Directory.CreateDirectory(theirs); // someone else's cgroup, in the memory hierarchy only
        try
        {
            var b = R.NewBundle().Args("sleep", "30");
            b.Linux["cgroupsPath"] = cg;
            R.Create(b, id).Ok();
            Assert.True(Directory.Exists(HostCgroups.Dir("pids", cg)));
            R.Delete(id, force: true).Ok(); // a process of its own: only what state.json says guides it
            Assert.Empty(HostCgroups.Remaining(cg));
            Assert.True(Directory.Exists(theirs), "delete removed a parent cgroup the container did not create");
            // runc removes only the container's own cgroup; runsharp also the parents it made.
            Env.RunsharpOnly(() => Assert.Equal([theirs], HostCgroups.Remaining(parent)));
        }
        finally
        {
            foreach (var dir in HostCgroups.Remaining(cg).Concat(HostCgroups.Remaining(parent))) Directory.Delete(dir);
        }
    }

    [Fact]
    public void MemoryLimit_BelowUsage_OomKillsOrFails()
    {
        // 4 MiB with swap off: filling a 16 MiB tmpfs-backed file in /dev/shm must not succeed.
        var id = NewId();
        var b = R.NewBundle().Sh("head -c 16777216 /dev/zero > /dev/shm/fill && echo filled");
        b.Linux["cgroupsPath"] = "/rsit-" + id;
        b.Linux["resources"]!["memory"] = new JsonObject { ["limit"] = 4L * 1024 * 1024, ["swap"] = 4L * 1024 * 1024 };
        var r = R.Run(b, id);
        Assert.DoesNotContain("filled", r.Stdout);
        Assert.NotEqual(0, r.ExitCode);
    }

    [Fact]
    public void CpuBurstAndIdle_AreWritten_AfterTheWeightAndQuotaTheyDependOn()
    {
        // The kernel refuses a weight for an idle group (EINVAL) and a burst above the quota: the create fails unless
        // the runtime writes the weight before idle and the quota before the burst. (An idle group then shows the
        // kernel's idle weight, not the one written.)
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = R.NewBundle().Args("sleep", "30");
        b.Linux["cgroupsPath"] = cg;
        b.Linux["resources"]!["cpu"] = new JsonObject { ["shares"] = 512, ["quota"] = 50000, ["period"] = 100000, ["burst"] = 20000, ["idle"] = 1 };
        R.Create(b, id).Ok();
        var limits = CgroupLimits.OnHost(cg);
        Assert.Equal("50000", limits.CpuQuota);
        // runc 1.1 ignores both here (burst and idle came with runtime-spec 1.1).
        Env.RunsharpOnly(() =>
        {
            Assert.Equal("20000", limits.CpuBurst);
            Assert.Equal("1", limits.CpuIdle);
        });
        R.Delete(id, force: true).Ok();
    }

    [Fact]
    public void BlockIoThrottles_AreWrittenForARealDevice()
    {
        // The kernel takes throttles only for an existing block device: the host's first disk (the guest's scratch disk).
        var disk = Directory.GetDirectories("/sys/block").Select(Path.GetFileName)
            .FirstOrDefault(n => n is not null && !n.StartsWith("loop", StringComparison.Ordinal) && !n.StartsWith("ram", StringComparison.Ordinal) && !n.StartsWith("zram", StringComparison.Ordinal));
        Assert.True(disk is not null, "no disk in /sys/block to throttle");
        var majorMinor = File.ReadAllText($"/sys/block/{disk}/dev").Trim().Split(':').Select(long.Parse).ToArray();
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = R.NewBundle().Args("sleep", "30");
        b.Linux["cgroupsPath"] = cg;
        JsonArray Rate(long rate) => new(new JsonObject { ["major"] = majorMinor[0], ["minor"] = majorMinor[1], ["rate"] = rate });
        b.Linux["resources"]!["blockIO"] = new JsonObject { ["throttleReadBpsDevice"] = Rate(1048576), ["throttleWriteIOPSDevice"] = Rate(100) };
        R.Create(b, id).Ok();
        string device = $"{majorMinor[0]}:{majorMinor[1]}";
        string Read(string file) => File.ReadAllText(Path.Combine(HostCgroups.Dir(HostCgroups.IsV2 ? "io" : "blkio", cg), file)).Trim();
        if (HostCgroups.IsV2)
            Assert.Contains($"{device} rbps=1048576 wbps=max riops=max wiops=100", Lines(Read("io.max")));
        else
        {
            Assert.Contains($"{device} 1048576", Lines(Read("blkio.throttle.read_bps_device")));
            Assert.Contains($"{device} 100", Lines(Read("blkio.throttle.write_iops_device")));
        }
        R.Delete(id, force: true).Ok();
    }

    [Fact]
    public void Unified_WritesItsFilesLast_OnV2_AndIsRefusedOnV1()
    {
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = R.NewBundle().Args("sleep", "30");
        b.Linux["cgroupsPath"] = cg;
        b.Linux["resources"]!["pids"] = new JsonObject { ["limit"] = 42 };
        b.Linux["resources"]!["unified"] = new JsonObject { ["pids.max"] = "17", ["memory.high"] = "104857600" };
        var r = R.Create(b, id);
        if (!HostCgroups.IsV2)
        {
            r.Fails();
            Assert.Contains("cannot use unified on cgroup v1", r.Stderr + r.Log);
            Assert.Empty(HostCgroups.Remaining(cg));
            return;
        }
        r.Ok();
        Assert.Equal("17", CgroupLimits.OnHost(cg).Pids); // unified wins over linux.resources.pids
        Assert.Equal("104857600", File.ReadAllText(Path.Combine(HostCgroups.Dir(cg), "memory.high")).Trim());
        R.Delete(id, force: true).Ok();

        // The files through which the runtime manages the cgroup are not the spec's to write.
        var id2 = NewId();
        var b2 = R.NewBundle().Args("sleep", "30");
        b2.Linux["cgroupsPath"] = "/rsit-" + id2;
        b2.Linux["resources"]!["unified"] = new JsonObject { ["cgroup.kill"] = "1" };
        var refused = R.Create(b2, id2).Fails();
        Env.RunsharpOnly(() => Assert.Contains("linux.resources.unified[\"cgroup.kill\"]", refused.Stderr));
        Assert.Empty(HostCgroups.Remaining("/rsit-" + id2));
    }
}
