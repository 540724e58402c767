using System.Globalization;

namespace Runtime.Integration.Tests;

/// <summary>
/// `update` on the host's cgroups (v1 files on hybrid and pure v1 hosts, their v2 counterparts on pure v2, through
/// <see cref="CgroupLimits"/>): runc 1.1's flags and `--resources FILE|-` change the limits of a live container,
/// seen in the host's cgroup files and from inside the container; bad values name the flag and change nothing;
/// runc's checks on memory and swap hold: the v1 kernel's (a limit below usage, memory above memory+swap) and
/// the v2 conversion's (memory+swap below memory, swap without memory).
/// </summary>
public class UpdateTests : IntegrationTest
{
    private static CgroupLimits Host(string cg) => CgroupLimits.OnHost(cg);

    /// <summary>A running `sleep` in /rsit-&lt;id&gt; with memory 64M (no swap), 42 pids, shares 512, 50% of a cpu.</summary>
    private (string Id, string Cgroup) StartLimited()
    {
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = R.NewBundle().Args("sleep", "300");
        b.Linux["cgroupsPath"] = cg;
        var res = b.Linux["resources"]!.AsObject();
        res["memory"] = new JsonObject { ["limit"] = 64L << 20, ["swap"] = 64L << 20 };
        res["pids"] = new JsonObject { ["limit"] = 42 };
        res["cpu"] = new JsonObject { ["shares"] = 512, ["quota"] = 50000, ["period"] = 100000 };
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "running");
        return (id, cg);
    }

    /// <summary>The limits as the container sees them (its own cgroup is bind-mounted at /sys/fs/cgroup[/&lt;ctrl&gt;]).</summary>
    private CgroupLimits Inside(string id) => CgroupLimits.InContainer(R, id);

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Every_flag_changes_its_cgroup_file_seen_from_the_host_and_inside()
    {
        var (id, cg) = StartLimited();
        // cgroup v2 has no realtime cpu files: Realtime_cpu_flags_are_refused_on_v2 covers those flags there.
        string[] realtime = HostCgroups.IsV2 ? [] : ["--cpu-rt-period", "1000000", "--cpu-rt-runtime", "1000"];
        R.Exec(new[] { "update", "--memory", "128m", "--memory-swap", "256m", "--memory-reservation", "32M", "--pids-limit", "50",
            "--cpu-share", "256", "--cpu-period", "200000", "--cpu-quota", "40000" }.Concat(realtime)
            .Concat(["--cpuset-cpus", "0", "--cpuset-mems", "0", "--blkio-weight", "300", id])).Ok();

        var host = Host(cg);
        Assert.Equal(N(128L << 20), host.Memory);
        Assert.Equal(N(256L << 20), host.MemorySwap);
        Assert.Equal(N(32L << 20), host.MemoryReservation);
        Assert.Equal("50", host.Pids);
        Assert.Equal(CgroupLimits.Shares(256), host.CpuShares);
        Assert.Equal("200000", host.CpuPeriod);
        Assert.Equal("40000", host.CpuQuota);
        if (!HostCgroups.IsV2)
        {
            Assert.Equal("1000000", File.ReadAllText(Path.Combine(HostCgroups.Dir("cpu", cg), "cpu.rt_period_us")).Trim());
            Assert.Equal("1000", File.ReadAllText(Path.Combine(HostCgroups.Dir("cpu", cg), "cpu.rt_runtime_us")).Trim());
        }
        Assert.Equal("0", host.Cpus);
        Assert.Equal("0", host.Mems);
        Assert.Contains(host.BlkioWeightFor(300), host.BlkioWeight);

        var inside = Inside(id);
        Assert.Equal(new[] { N(128L << 20), "50", CgroupLimits.Shares(256), "40000", "0" },
            new[] { inside.Memory, inside.Pids, inside.CpuShares, inside.CpuQuota, inside.Cpus });
    }

    [V2CgroupsFact("cgroup v2 has no realtime cpu files (v1 writes cpu.rt_period_us and cpu.rt_runtime_us, checked in Every_flag_...)")]
    public void Realtime_cpu_flags_are_refused_on_v2_and_change_nothing()
    {
        var (id, cg) = StartLimited();
        var r = R.Exec("update", "--pids-limit", "9", "--cpu-rt-period", "1000000", "--cpu-rt-runtime", "1000", id);
        // runc 1.1 drops them silently on v2; runsharp says they cannot be applied.
        Env.RunsharpOnly(() =>
        {
            r.Fails();
            Assert.Contains("realtime cpu limits are not supported on cgroup v2", r.Messages());
            Assert.Equal("42", Host(cg).Pids);
        });
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void Flags_not_given_leave_their_values_alone_across_updates()
    {
        var (id, cg) = StartLimited();
        R.Exec("update", "--pids-limit", "7", id).Ok();
        R.Exec("update", "--cpu-quota", "20000", id).Ok();
        R.Exec("update", id).Ok(); // nothing to change is not an error
        var host = Host(cg);
        Assert.Equal("7", host.Pids);
        Assert.Equal(N(64L << 20), host.Memory);
        Assert.Equal(CgroupLimits.Shares(512), host.CpuShares);
        Assert.Equal("20000", host.CpuQuota);
        Assert.Equal("100000", host.CpuPeriod);
        // -1 lifts a limit.
        R.Exec("update", "--pids-limit", "-1", "--cpu-quota", "-1", id).Ok();
        Assert.Equal("max", host.Pids);
        Assert.Equal("-1", host.CpuQuota);
        Assert.Equal("100000", host.CpuPeriod);
        Assert.Equal("max", Inside(id).Pids);
    }

    [Fact]
    public void Resources_json_on_stdin_and_from_a_file()
    {
        var (id, cg) = StartLimited();
        var stdin = R.TempPath("resources-stdin.json");
        File.WriteAllText(stdin, """{"memory":{"limit":104857600,"swap":209715200},"cpu":{"shares":300,"cpus":"0-1"},"pids":{"limit":33}}""");
        R.Exec(new[] { "update", "--resources", "-", id }, new ExecOptions { StdinFile = stdin }).Ok();
        var host = Host(cg);
        Assert.Equal("104857600", host.Memory);
        Assert.Equal("209715200", host.MemorySwap);
        Assert.Equal(CgroupLimits.Shares(300), host.CpuShares);
        Assert.Equal("0-1", host.Cpus);
        Assert.Equal("33", host.Pids);
        var inside = Inside(id);
        Assert.Equal(new[] { "104857600", "33" }, new[] { inside.Memory, inside.Pids });

        // With -r the flags are ignored, as in runc.
        var file = R.TempPath("resources.json");
        File.WriteAllText(file, """{"pids":{"limit":34}}""");
        R.Exec("update", "-r", file, "--pids-limit", "99", "--cpu-share", "999", id).Ok();
        Assert.Equal("34", host.Pids);
        Assert.Equal(CgroupLimits.Shares(300), host.CpuShares);
    }

    [Theory]
    [InlineData("--memory", "abc", "invalid value for memory: invalid size: 'abc'")]
    [InlineData("--memory-swap", "1.2.3", "invalid value for memory-swap: strconv.ParseFloat")]
    [InlineData("--cpu-period", "abc", "invalid value for cpu-period: strconv.ParseUint: parsing \"abc\": invalid syntax")]
    [InlineData("--cpu-quota", "1.5", "invalid value for cpu-quota: strconv.ParseInt: parsing \"1.5\": invalid syntax")]
    [InlineData("--cpu-share", "-1", "invalid value for cpu-share")]
    [InlineData("--pids-limit", "x", "invalid value \"x\" for flag -pids-limit: parse error")]
    [InlineData("--blkio-weight", "abc", "invalid value \"abc\" for flag -blkio-weight: parse error")]
    public void Bad_flag_values_name_the_flag_and_change_nothing(string flag, string value, string logged)
    {
        var (id, cg) = StartLimited();
        var r = R.Exec("update", "--pids-limit", "9", flag, value, id).Fails();
        Assert.Contains(logged, r.Messages());
        Assert.Equal("42", Host(cg).Pids);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void Bad_resources_json_fails_and_names_the_field()
    {
        var (id, cg) = StartLimited();
        var stdin = R.TempPath("bad.json");
        File.WriteAllText(stdin, """{"pids":{"limit":9},"memory":{"limit":"lots"}}""");
        var r = R.Exec(new[] { "update", "-r", "-", id }, new ExecOptions { StdinFile = stdin }).Fails();
        Env.RunsharpOnly(() => Assert.Contains("memory.limit", r.Messages()));
        File.WriteAllText(stdin, "{not json");
        R.Exec(new[] { "update", "-r", "-", id }, new ExecOptions { StdinFile = stdin }).Fails();
        var missing = R.Exec("update", "-r", R.TempPath("no-such.json"), id).Fails();
        Assert.Contains("no such file or directory", missing.Messages());
        Assert.Equal("42", Host(cg).Pids);
    }

    [V1CgroupsFact("v2's memory.max takes a limit below the usage and reclaims or OOM-kills down to it; " +
                   "A_memory_limit_below_usage_is_refused_with_checkBeforeUpdate covers the refusal there")]
    public void A_memory_limit_below_usage_is_refused_with_the_numbers()
    {
        var (id, cg) = StartLimited();
        var r = R.Exec("update", "--memory", "4096", id).Fails();
        Assert.Contains("unable to set memory limit to 4096 (current usage: ", r.Messages());
        Assert.Contains("peak usage: ", r.Messages());
        Assert.Equal(N(64L << 20), Host(cg).Memory);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void A_memory_limit_below_usage_is_refused_with_checkBeforeUpdate()
    {
        // v1: the kernel refuses (EBUSY); v2 would reclaim and OOM-kill, so linux.resources.memory.checkBeforeUpdate
        // asks the runtime to compare with memory.current first.
        var (id, cg) = StartLimited();
        var stdin = R.TempPath("below-usage.json");
        File.WriteAllText(stdin, """{"memory":{"limit":4096,"checkBeforeUpdate":true}}""");
        var r = R.Exec(new[] { "update", "-r", "-", id }, new ExecOptions { StdinFile = stdin }).Fails();
        if (HostCgroups.IsV2) Env.RunsharpOnly(() => Assert.Contains("rejecting memory limit 4096 <= usage ", r.Messages()));
        else Assert.Contains("unable to set memory limit to 4096 (current usage: ", r.Messages());
        Assert.Equal(N(64L << 20), Host(cg).Memory);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void Memory_above_memory_plus_swap_is_refused_and_raising_both_works()
    {
        var (id, cg) = StartLimited();
        var host = Host(cg);
        // memsw is 64M: on v1 a 128M limit alone exceeds it (the kernel says EINVAL, as it does to runc). v2 keeps
        // swap apart (memory.swap.max, 0 here): the limit alone is taken and memory+swap grows with it, as in runc.
        var alone = R.Exec("update", "--memory", "128m", id);
        if (HostCgroups.IsV2)
        {
            alone.Ok();
            Assert.Equal(N(128L << 20), host.Memory);
            Assert.Equal(N(128L << 20), host.MemorySwap);
        }
        else
        {
            alone.Fails();
            Assert.Equal(N(64L << 20), host.Memory);
        }
        // Both together are written in the order the kernel accepts.
        R.Exec("update", "--memory", "128m", "--memory-swap", "192m", id).Ok();
        Assert.Equal(N(128L << 20), host.Memory);
        Assert.Equal(N(192L << 20), host.MemorySwap);
        // And lowering both: limit first.
        R.Exec("update", "--memory", "32m", "--memory-swap", "48m", id).Ok();
        Assert.Equal(N(32L << 20), host.Memory);
        Assert.Equal(N(48L << 20), host.MemorySwap);
        // memory+swap below memory (v1: the kernel's EINVAL; v2: the swap conversion), and swap without memory
        // (v1: below the 32M limit; v2: no memory limit to subtract).
        R.Exec("update", "--memory", "64m", "--memory-swap", "32m", id).Fails();
        R.Exec("update", "--memory-swap", "16m", id).Fails();
        Assert.Equal(N(32L << 20), host.Memory);
        Assert.Equal(N(48L << 20), host.MemorySwap);
    }

    [Fact]
    public void Kernel_memory_is_ignored_with_a_warning()
    {
        var (id, cg) = StartLimited();
        var r = R.Exec("update", "--kernel-memory", "10m", "--kernel-memory-tcp", "10m", id).Ok();
        // runc logs the warning to --log; runsharp keeps --log for the one error record and warns on stderr.
        Assert.Contains("ernel memory settings are ignored", r.Stderr + r.Messages());
        Assert.Equal(N(64L << 20), Host(cg).Memory);
    }

    [Fact]
    public void A_stopped_container_cannot_be_updated()
    {
        var id = NewId();
        var b = R.NewBundle().Args("true");
        b.Linux["cgroupsPath"] = "/rsit-" + id;
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        var r = R.Exec("update", "--pids-limit", "5", id).Fails();
        Assert.Contains("container not running", r.Messages());
        Assert.Contains("container does not exist", R.Exec("update", "--pids-limit", "5", "no-such-" + id).Fails().Messages());
    }

    [Fact]
    public void A_created_container_can_be_updated_before_it_starts()
    {
        var id = NewId();
        var cg = "/rsit-" + id;
        var b = R.NewBundle().Sh("cat " + HostCgroups.Inside("pids", "pids.max"));
        b.Linux["cgroupsPath"] = cg;
        R.Create(b, id).Ok();
        R.Exec("update", "--pids-limit", "77", id).Ok();
        Assert.Equal("77", Host(cg).Pids);
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        Assert.Equal("77", R.WaitForOutput(id, "77").Trim());
    }

    [Fact]
    public void Intel_rdt_schemas_fail_without_resctrl()
    {
        if (Directory.Exists("/sys/fs/resctrl/info")) return; // a host with RDT answers differently
        var (id, _) = StartLimited();
        Assert.Contains("Intel RDT/CAT: l3 cache schema is not enabled", R.Exec("update", "--l3-cache-schema", "L3:0=f", id).Fails().Messages());
        Assert.Contains("Intel RDT/MBA: memory bandwidth schema is not enabled", R.Exec("update", "--mem-bw-schema", "MB:0=50", id).Fails().Messages());
    }
}
