using System.Globalization;

namespace Runtime.Integration.Tests;

/// <summary>linux.cgroupsPath and resources on this host's cgroup v1 (hybrid) hierarchy.</summary>
public class CgroupsTests : IntegrationTest
{
    private static string V1(string controller, string path, string file) =>
        File.ReadAllText(Path.Combine("/sys/fs/cgroup", controller, path.TrimStart('/'), file)).Trim();

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

        Assert.Equal((64L * 1024 * 1024).ToString(CultureInfo.InvariantCulture), V1("memory", cg, "memory.limit_in_bytes"));
        Assert.Equal("42", V1("pids", cg, "pids.max"));
        Assert.Equal("512", V1("cpu", cg, "cpu.shares"));
        Assert.Equal("50000", V1("cpu", cg, "cpu.cfs_quota_us"));
        Assert.Equal("100000", V1("cpu", cg, "cpu.cfs_period_us"));
        foreach (var ctrl in new[] { "memory", "pids", "cpu", "cpuacct", "devices", "freezer", "blkio", "cpuset" })
            Assert.Contains(pid.ToString(CultureInfo.InvariantCulture), Lines(V1(ctrl, cg, "cgroup.procs")));
        var procCgroup = File.ReadAllText($"/proc/{pid}/cgroup");
        Assert.Contains($":memory:{cg}\n", procCgroup);
        Assert.Contains($":pids:{cg}\n", procCgroup);

        R.Start(id).Ok();
        Assert.Equal("running", R.Status(id));
        R.Delete(id, force: true).Ok();
        foreach (var hier in Directory.GetDirectories("/sys/fs/cgroup"))
            Assert.False(Directory.Exists(Path.Combine(hier, cg.TrimStart('/'))), $"cgroup {hier}{cg} left after delete");
    }

    [Fact]
    public void LimitsVisibleInsideContainer()
    {
        var id = NewId();
        var b = LimitedBundle("/rsit-" + id, new[] { "sh", "-c",
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/cpu/cpu.cfs_quota_us" });
        var r = R.Run(b, id).Ok();
        Assert.Equal(new[] { "67108864", "42", "512", "50000" }, Lines(r.Stdout));
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
        var mem = Lines(File.ReadAllText($"/proc/{pid}/cgroup")).Single(l => l.Contains(":memory:"));
        var own = Lines(File.ReadAllText("/proc/self/cgroup")).Single(l => l.Contains(":memory:"));
        Assert.NotEqual(own, mem);
        var expected = Host.OwnCgroup("memory").TrimEnd('/') + "/" + id;
        Assert.Equal(expected, mem[(mem.IndexOf(":memory:", StringComparison.Ordinal) + 8)..]);
        Assert.True(Directory.Exists("/sys/fs/cgroup/memory" + expected));
        R.Delete(id, force: true).Ok();
        Assert.False(Directory.Exists("/sys/fs/cgroup/memory" + expected));
    }

    [Fact]
    public void CgroupDeletedWhenContainerExitsAndIsDeleted()
    {
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = LimitedBundle(cg, new[] { "true" });
        R.Create(b, id).Ok();
        Assert.True(Directory.Exists("/sys/fs/cgroup/memory" + cg));
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        R.Delete(id).Ok();
        Assert.False(Directory.Exists("/sys/fs/cgroup/memory" + cg));
        Assert.False(Directory.Exists("/sys/fs/cgroup/pids" + cg));
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
}
