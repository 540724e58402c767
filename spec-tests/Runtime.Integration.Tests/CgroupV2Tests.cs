namespace Runtime.Integration.Tests;

/// <summary>
/// The pure cgroup v2 path on this hybrid host: a nested private mount namespace replaces /sys/fs/cgroup with
/// a cgroup2 mount (the host's mounts are untouched), and the container must be placed in, and removed from,
/// its own v2 cgroup. This host's v2 tree has no resource controllers (v1 holds them); limits on v2 are tested
/// in the guest of the cgroups issue.
/// </summary>
public class CgroupV2Tests : IntegrationTest
{
    [Fact]
    public void PureV2Host_ContainerRunsInItsOwnCgroup_AndItIsRemoved()
    {
        var b = R.NewBundle().Sh("cat /proc/self/cgroup");
        string name = "rsit-v2-" + Guid.NewGuid().ToString("N")[..8];
        b.Linux["cgroupsPath"] = "/" + name;
        var ns = b.Linux["namespaces"]!.AsArray();
        foreach (var n in ns.Where(n => (string?)n!["type"] == "cgroup").ToList()) ns.Remove(n);
        b.Save();
        var script = $"umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup || exit 90\n" +
                     $"{Env.Q(Env.RuntimePath)} --root {Env.Q(R.TempPath("v2root"))} run --bundle {Env.Q(b.Dir)} {name} || exit 91\n" +
                     $"test -e /sys/fs/cgroup/{name} && exit 92\n" +
                     "exit 0\n";
        var r = Sh.Run($"unshare --mount --propagation private sh -c {Env.Q(script)}");
        Assert.True(r.ExitCode == 0, $"v2 run failed (90: no cgroup2 mount, 91: run failed, 92: cgroup left):\n{r}");
        Assert.Contains($"0::/{name}", r.Stdout);
    }
    /// <summary>
    /// On a pure v2 host the init is born in its cgroup (clone3 with CLONE_INTO_CGROUP), so create never writes
    /// cgroup.procs: that write takes the kernel's cgroup-wide lock, which can wait for an RCU grace period.
    /// </summary>
    [Fact]
    public void PureV2Host_InitIsClonedIntoItsCgroup_WithoutACgroupProcsWrite()
    {
        var b = R.NewBundle().Sh("cat /proc/self/cgroup");
        string name = "rsit-v2c-" + Guid.NewGuid().ToString("N")[..8];
        b.Linux["cgroupsPath"] = "/" + name;
        var ns = b.Linux["namespaces"]!.AsArray();
        foreach (var n in ns.Where(n => (string?)n!["type"] == "cgroup").ToList()) ns.Remove(n);
        b.Save();
        string trace = R.TempPath("clone3.trace");
        var script = $"umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup || exit 90\n" +
                     $"strace -f -qq -e trace=clone3,openat -o {Env.Q(trace)} {Env.Q(Env.RuntimePath)} --root {Env.Q(R.TempPath("v2root"))} run --bundle {Env.Q(b.Dir)} {name} || exit 91\n" +
                     "exit 0\n";
        var r = Sh.Run($"unshare --mount --propagation private sh -c {Env.Q(script)}");
        Assert.True(r.ExitCode == 0, $"v2 run failed (90: no cgroup2 mount, 91: run failed):\n{r}");
        Assert.Contains($"0::/{name}", r.Stdout);
        // runc 1.1 joins by cgroup.procs: the placement above is the shared contract, the clone3 is ours.
        Env.RunsharpOnly(() =>
        {
            var lines = File.ReadAllLines(trace);
            Assert.Contains(lines, l => l.Contains("clone3(") && l.Contains("CLONE_INTO_CGROUP") && !l.Contains("= -"));
            Assert.DoesNotContain(lines, l => l.Contains("cgroup.procs") && (l.Contains("O_WRONLY") || l.Contains("O_RDWR")));
        });
    }
}
