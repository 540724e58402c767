using System.Diagnostics;

namespace Runtime.Integration.Tests;

/// <summary>New and joined namespaces, checked by comparing /proc/self/ns/* inside with the test's own.</summary>
public class NamespacesTests : IntegrationTest
{
    private static readonly string[] All = { "pid", "net", "ipc", "uts", "mnt", "cgroup" };

    private static Dictionary<string, string> ParseNs(string output) =>
        Lines(output).Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);

    private const string PrintNs = "for n in pid net ipc uts mnt cgroup; do echo $n=$(readlink /proc/self/ns/$n); done";

    [Fact]
    public void DefaultNamespaces_AreNew_CgroupIsShared()
    {
        var b = R.NewBundle().Sh(PrintNs);
        var ns = ParseNs(R.RunOk(b));
        foreach (var n in new[] { "pid", "net", "ipc", "uts", "mnt" })
        {
            Assert.Matches($@"^{n}:\[\d+\]$", ns[n]);
            Assert.NotEqual(HostNs(n), ns[n]);
        }
        // The default config has no cgroup namespace: the container shares the caller's.
        Assert.Equal(HostNs("cgroup"), ns["cgroup"]);
    }

    [Fact]
    public void CgroupNamespace_WhenRequested_IsNew()
    {
        var b = R.NewBundle().Sh(PrintNs + "; cat /proc/self/cgroup");
        b.SetNamespace("cgroup");
        var output = R.RunOk(b);
        var ns = ParseNs(output);
        Assert.NotEqual(HostNs("cgroup"), ns["cgroup"]);
        // Inside its own cgroup namespace the container sees its cgroup as the root of every hierarchy.
        // (The memory hierarchy's line on v1 and hybrid hosts, the one "0::" line on pure v2.)
        var pattern = HostCgroups.IsV2 ? @"^0::" : @"^\d+:memory:";
        var line = Lines(output).Single(l => System.Text.RegularExpressions.Regex.IsMatch(l, pattern));
        Assert.EndsWith(HostCgroups.IsV2 ? "0::/" : ":memory:/", line);
    }

    [Fact]
    public void WithoutNamespaces_SharesTheCallers()
    {
        var b = R.NewBundle().Sh(PrintNs);
        foreach (var n in new[] { "network", "ipc", "uts" }) b.RemoveNamespace(n);
        b.Config.AsObject().Remove("hostname"); // a hostname needs a private UTS namespace
        var ns = ParseNs(R.RunOk(b));
        Assert.Equal(HostNs("net"), ns["net"]);
        Assert.Equal(HostNs("ipc"), ns["ipc"]);
        Assert.Equal(HostNs("uts"), ns["uts"]);
        Assert.NotEqual(HostNs("pid"), ns["pid"]);
        Assert.NotEqual(HostNs("mnt"), ns["mnt"]);
    }

    [Fact]
    public void PidNamespace_ProcessIsPid1_AndSeesOnlyItsProcesses()
    {
        var b = R.NewBundle().Sh("echo self=$$; grep '^NSpid' /proc/self/status; echo procs=$(ls -d /proc/[0-9]* | wc -l); ps -o pid,comm; true");
        var output = R.RunOk(b);
        Assert.Contains("self=1", output);
        var procs = int.Parse(Lines(output).Single(l => l.StartsWith("procs=", StringComparison.Ordinal))[6..]);
        Assert.InRange(procs, 1, 4); // sh, ls (and the subshell), not the host's processes
        var ps = Lines(output).SkipWhile(l => !l.StartsWith("PID", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Contains(ps, l => l.StartsWith("1 ", StringComparison.Ordinal) && l.EndsWith("sh"));
        Assert.InRange(ps.Count, 2, 4);
    }

    [Fact]
    public void UtsNamespace_HostnameIsSet_HostUnchanged()
    {
        var hostBefore = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        var b = R.NewBundle().Args("hostname");
        b.Config["hostname"] = "box-under-test";
        Assert.Equal("box-under-test\n", R.RunOk(b));
        Assert.Equal(hostBefore, File.ReadAllText("/proc/sys/kernel/hostname").Trim());
    }

    [Fact]
    public void NetNamespace_OnlyLoopback()
    {
        var b = R.NewBundle().Sh("tail -n +3 /proc/net/dev | cut -d: -f1");
        var ifaces = Lines(R.RunOk(b));
        Assert.Equal(new[] { "lo" }, ifaces);
    }

    [Fact]
    public void IpcNamespace_DoesNotSeeHostSysvObjects()
    {
        // Create a SysV message queue on the host side, then check that the container does not see it.
        var mk = Sh.Run("ipcmk -Q 2>/dev/null || true");
        var b = R.NewBundle().Sh("ipcs -q | grep -c 0x || true; readlink /proc/self/ns/ipc");
        var lines = Lines(R.RunOk(b));
        Assert.NotEqual(HostNs("ipc"), lines.Last());
        if (mk.Stdout.Contains("id:"))
        {
            Assert.Equal("0", lines[0]);
            var qid = mk.Stdout.Split(':').Last().Trim();
            Sh.Run($"ipcrm -q {qid}");
        }
    }

    [Fact]
    public void MountNamespace_ContainerMountsInvisibleToHost()
    {
        // Compared by what lies under this test's bundle, not by the whole table's length: other test classes
        // running in parallel mount and unmount in this process's namespace too.
        var b = R.NewBundle().Sh("grep -c ' /proc ' /proc/self/mountinfo; readlink /proc/self/ns/mnt; sleep 1");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        Assert.Empty(Mounts.Under(b.Dir));
        Assert.Empty(Mounts.Under(b.RootfsPath));
        R.WaitForStatus(id, "stopped");
        var lines = Lines(R.ReadOut(id));
        Assert.Equal("1", lines[0]);
        Assert.NotEqual(HostNs("mnt"), lines[1]);
        Assert.Empty(Mounts.Under(b.RootfsPath));
    }

    [Fact]
    public void JoinNetAndUtsNamespacesByPath()
    {
        var hostname = "joined-" + Guid.NewGuid().ToString("N")[..8];
        var psi = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in new[] { "--net", "--uts", "sh", "-c", $"hostname {hostname}; exec sleep 60" }) psi.ArgumentList.Add(a);
        using var holder = Process.Start(psi)!;
        R.TrackHostProcess(holder.Id);
        try
        {
            var nsNet = $"/proc/{holder.Id}/ns/net";
            var nsUts = $"/proc/{holder.Id}/ns/uts";
            var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(10));
            while (DateTime.UtcNow < deadline &&
                   !(File.Exists($"/proc/{holder.Id}/cmdline") && File.ReadAllText($"/proc/{holder.Id}/cmdline").StartsWith("sleep", StringComparison.Ordinal)))
                Thread.Sleep(20);
            var expectNet = new FileInfo(nsNet).LinkTarget!;
            var expectUts = new FileInfo(nsUts).LinkTarget!;
            Assert.NotEqual(HostNs("net"), expectNet);

            var b = R.NewBundle().Sh("readlink /proc/self/ns/net; readlink /proc/self/ns/uts; hostname");
            b.SetNamespace("network", nsNet);
            b.SetNamespace("uts", nsUts);
            b.Config.AsObject().Remove("hostname");
            var lines = Lines(R.RunOk(b));
            Assert.Equal(new[] { expectNet, expectUts, hostname }, lines);
        }
        finally
        {
            try { holder.Kill(); holder.WaitForExit(); } catch { /* gone */ }
        }
    }

    [Theory]
    [InlineData("ipc", "ipc")]
    [InlineData("pid", "pid")]
    [InlineData("cgroup", "cgroup")]
    public void JoinByPath_TheNamespaceOfAnotherContainer(string type, string link)
    {
        // The matrix's third column (new and absent are above): a second container joins the first one's namespace.
        var owner = R.NewBundle().Args("sleep", "30");
        owner.SetNamespace(type);
        var ownerId = NewId();
        R.Create(owner, ownerId).Ok();
        int ownerPid = R.Pid(ownerId);
        string expected = new FileInfo($"/proc/{ownerPid}/ns/{link}").LinkTarget!;
        Assert.NotEqual(HostNs(link), expected);

        var joiner = R.NewBundle().Sh($"readlink /proc/self/ns/{link}");
        joiner.SetNamespace(type, $"/proc/{ownerPid}/ns/{link}");
        Assert.Equal(expected, R.RunOk(joiner).Trim());
        R.Delete(ownerId, force: true).Ok();
    }

    [Fact]
    public void JoinMountNamespaceByPath_TheRootfsIsSetUpInIt()
    {
        // A joined mount namespace must still show root.path (another container's pivoted one does not: runc and
        // runsharp both refuse that), so the holder is a host process in a private copy of our mount namespace.
        var psi = new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "sleep", "60"]) { UseShellExecute = false };
        using var holder = Process.Start(psi)!;
        R.TrackHostProcess(holder.Id);
        try
        {
            var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(10));
            string ns = $"/proc/{holder.Id}/ns/mnt";
            while (DateTime.UtcNow < deadline && new FileInfo(ns).LinkTarget == HostNs("mnt")) Thread.Sleep(20);
            string expected = new FileInfo(ns).LinkTarget!;
            Assert.NotEqual(HostNs("mnt"), expected);
            var b = R.NewBundle().Sh("readlink /proc/self/ns/mnt; test -e /bin/busybox && echo rootfs-ok");
            b.SetNamespace("mount", ns);
            Assert.Equal(new[] { expected, "rootfs-ok" }, Lines(R.RunOk(b)));
        }
        finally
        {
            try { holder.Kill(); holder.WaitForExit(); } catch { /* gone */ }
        }
    }

    [Fact]
    public void JoinNamespace_BadPath_Fails()
    {
        var b = R.NewBundle().Args("true");
        b.SetNamespace("network", "/proc/self/ns/does-not-exist");
        var id = NewId();
        R.Run(b, id).Fails();
    }
}
