namespace Runtime.Integration.Tests;

/// <summary>The default /dev and linux.devices.</summary>
public class DevicesTests : IntegrationTest
{
    [Theory]
    [InlineData("null", 1, 3)]
    [InlineData("zero", 1, 5)]
    [InlineData("full", 1, 7)]
    [InlineData("random", 1, 8)]
    [InlineData("urandom", 1, 9)]
    [InlineData("tty", 5, 0)]
    public void DefaultDevices_ExistWithRightNumbers(string name, int major, int minor)
    {
        var b = R.NewBundle().Sh($"stat -c '%F %t %T %a' /dev/{name}");
        Assert.Equal($"character special file {major:x} {minor:x} 666\n", R.RunOk(b));
    }

    [Fact]
    public void DefaultDevices_Work()
    {
        var b = R.NewBundle().Sh(
            "echo discard > /dev/null && echo null-ok; head -c 4 /dev/zero | od -An -tx1 | tr -d ' '; " +
            "echo x > /dev/full 2>/dev/null || echo full-enospc; echo rand=$(head -c 16 /dev/urandom | wc -c)");
        Assert.Equal(new[] { "null-ok", "00000000", "full-enospc", "rand=16" }, Lines(R.RunOk(b)));
    }

    [Fact]
    public void DefaultSymlinks()
    {
        var b = R.NewBundle().Sh("for l in fd stdin stdout stderr; do echo $l=$(readlink /dev/$l); done");
        Assert.Equal(new[] { "fd=/proc/self/fd", "stdin=/proc/self/fd/0", "stdout=/proc/self/fd/1", "stderr=/proc/self/fd/2" },
            Lines(R.RunOk(b)));
    }

    [Fact]
    public void Ptmx_IsUsable()
    {
        // /dev/ptmx is either a symlink to pts/ptmx (runc) or the 5:2 device; either way it opens a new pty
        // of the container's own devpts instance.
        var b = R.NewBundle().Sh("ls -l /dev/ptmx | cut -c1; readlink /dev/ptmx; stat -L -c '%t:%T' /dev/ptmx; ls /dev/pts");
        var lines = Lines(R.RunOk(b));
        Assert.True(lines[0] == "l" ? lines[1] == "pts/ptmx" : lines[0] == "c", string.Join("|", lines));
        Assert.Equal("5:2", lines.First(l => l.Contains(':')));
        Assert.Equal("ptmx", lines.Last()); // a new devpts instance: no host ptys
    }

    [Fact]
    public void NoHostDevicesLeak()
    {
        var b = R.NewBundle().Sh("ls /dev | sort | tr '\\n' ' '");
        var names = R.RunOk(b).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var host in new[] { "sda", "vda", "kmsg", "mem", "kvm", "loop0" })
            Assert.DoesNotContain(host, names);
        foreach (var want in new[] { "null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "mqueue", "fd", "stdin", "stdout", "stderr" })
            Assert.Contains(want, names);
    }

    [Fact]
    public void LinuxDevices_CustomCharDevice_CreatedWithModeOwnerAndNumbers()
    {
        var b = R.NewBundle().Sh("stat -c '%F %t %T %a %u %g' /dev/mynull; echo hi > /dev/mynull && echo write-ok");
        b.Linux["devices"] = new JsonArray(new JsonObject
        {
            ["path"] = "/dev/mynull", ["type"] = "c", ["major"] = 1, ["minor"] = 3,
            ["fileMode"] = 390 /* 0606: "other" (root without CAP_DAC_OVERRIDE) may write */, ["uid"] = 1000, ["gid"] = 1000,
        });
        b.Linux["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["access"] = "rwm" });
        Assert.Equal("character special file 1 3 606 1000 1000\nwrite-ok\n", R.RunOk(b));
    }

    [Fact]
    public void LinuxDevices_Fuse()
    {
        var b = R.NewBundle().Sh("stat -c '%F %t %T %a' /dev/fuse");
        b.Linux["devices"] = new JsonArray(new JsonObject
        {
            ["path"] = "/dev/fuse", ["type"] = "c", ["major"] = 10, ["minor"] = 229, ["fileMode"] = 438 /* 0666 */,
        });
        Assert.Equal("character special file a e5 666\n", R.RunOk(b));
    }

    [Fact]
    public void LinuxDevices_InSubdirectory()
    {
        var b = R.NewBundle().Sh("stat -c '%F %t %T' /dev/sub/dir/zero2");
        b.Linux["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/sub/dir/zero2", ["type"] = "c", ["major"] = 1, ["minor"] = 5 });
        Assert.Equal("character special file 1 5\n", R.RunOk(b));
    }

    [Fact]
    public void DeviceCgroup_DeniesUnlistedDevice()
    {
        // The node exists (linux.devices) but the device cgroup (default deny, plus the default devices) has no
        // allow rule for 1:1 (/dev/mem), so opening it fails even for root.
        var b = R.NewBundle().Sh("head -c 1 /dev/mymem > /dev/null 2>&1; echo rc=$?");
        b.Linux["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/mymem", ["type"] = "c", ["major"] = 1, ["minor"] = 1, ["fileMode"] = 384 });
        Assert.Equal("rc=1\n", R.RunOk(b));
    }

    [Fact]
    public void DeviceCgroup_ASpecDenyOfDevNullHolds_WhenLinuxDevicesCreatesIt()
    {
        // runc leaves out its default /dev/null rule when linux.devices lists /dev/null, so the spec's deny holds
        // (runc then fails reopening /dev/null in its init); without the node the default allow would come later.
        var b = R.NewBundle().Sh("cat /dev/null 2>&1; echo rc=$?");
        b.Linux["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/null", ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["fileMode"] = 438 });
        b.Linux["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = false, ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["access"] = "rwm" });
        var r = R.Run(b, NewId());
        if (Env.IsRunc)
        {
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("/dev/null: operation not permitted", r.Stderr + r.Log);
            return;
        }
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("cat: can't open '/dev/null': Operation not permitted\nrc=1\n", r.Stdout);
    }
}
