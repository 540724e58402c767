namespace Runtime.Integration.Tests;

/// <summary>
/// The "tmpcopyup" mount option (runc's extension, which podman sets on the tmpfs it puts over /tmp, /run and
/// /var/tmp of a --read-only container): the tmpfs starts with a copy of what the rootfs has at its destination.
/// </summary>
public class TmpfsCopyUpTests : IntegrationTest
{
    /// <summary>
    /// A private rootfs whose /data holds a file, a subdirectory and symlinks, with owners and modes (readable by
    /// others: the container's root has no CAP_DAC_OVERRIDE).
    /// </summary>
    private Bundle BundleWithData()
    {
        var b = R.NewBundle(privateRootfs: true);
        var data = Path.Combine(b.RootfsPath, "data");
        Directory.CreateDirectory(Path.Combine(data, "sub"));
        File.WriteAllText(Path.Combine(data, "a.txt"), "file a\n");
        File.WriteAllText(Path.Combine(data, "sub", "b.txt"), "file b\n");
        File.CreateSymbolicLink(Path.Combine(data, "link"), "a.txt");
        File.CreateSymbolicLink(Path.Combine(data, "abs"), "/etc/passwd");
        var r = Sh.Run($"cd {Env.Q(data)} && chown 1000:1000 a.txt sub sub/b.txt && chown -h 1000:1000 link && " +
                       "chmod 604 a.txt && chmod 705 sub && chmod 751 .");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return b;
    }

    [Fact]
    public void CopiesTheRootfsContent_WithOwnersModesAndSymlinks()
    {
        var b = BundleWithData().Sh(
            "cat /data/a.txt /data/sub/b.txt; stat -c '%n %a %u:%g %F' /data /data/a.txt /data/sub; " +
            "readlink /data/link; readlink /data/abs; echo written > /data/new && echo writable; grep ' /data ' /proc/self/mounts | cut -d' ' -f3");
        b.Config["root"]!["readonly"] = true;
        b.AddMount("/data", "tmpfs", "tmpfs", "nosuid", "nodev", "tmpcopyup");
        var output = R.RunOk(b);
        Assert.Equal(new[]
        {
            "file a", "file b",
            "/data 751 0:0 directory", "/data/a.txt 604 1000:1000 regular file", "/data/sub 705 1000:1000 directory",
            "a.txt", "/etc/passwd", "writable", "tmpfs",
        }, Lines(output));
        Assert.False(File.Exists(Path.Combine(b.RootfsPath, "data", "new")), "a write to the tmpfs reached the rootfs");
    }

    [Fact]
    public void SpecialFiles_AreCopied()
    {
        var b = R.NewBundle(privateRootfs: true).Sh("stat -c '%n %a %u:%g %F' /data/fifo /data/null");
        var data = Path.Combine(b.RootfsPath, "data");
        Directory.CreateDirectory(data);
        var r = Sh.Run($"cd {Env.Q(data)} && mkfifo -m 620 fifo && chown 1000:1000 fifo && mknod -m 666 null c 1 3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        b.AddMount("/data", "tmpfs", "tmpfs", "tmpcopyup");
        // runc 1.1.5 fails here: it skips a fifo, then cannot lchown it.
        Env.RunsharpOnly(() => Assert.Equal(new[] { "/data/fifo 620 1000:1000 fifo", "/data/null 666 0:0 character special file" }, Lines(R.RunOk(b))));
    }

    [Fact]
    public void ReadOnlyTmpfs_HasTheContent_ButRefusesWrites()
    {
        var b = BundleWithData().Sh("cat /data/a.txt; touch /data/x 2>&1; echo rc=$?");
        b.AddMount("/data", "tmpfs", "tmpfs", "ro", "tmpcopyup");
        var output = R.RunOk(b);
        Assert.StartsWith("file a\n", output);
        Assert.Contains("Read-only file system", output);
        Assert.Contains("rc=1", output);
    }

    [Fact]
    public void MissingDestination_GivesAnEmptyTmpfs()
    {
        var b = R.NewBundle(privateRootfs: true).Sh("ls -A /nothing-here | wc -l; grep -c ' /nothing-here tmpfs ' /proc/self/mounts");
        b.AddMount("/nothing-here", "tmpfs", "tmpfs", "tmpcopyup");
        Assert.Equal(new[] { "0", "1" }, Lines(R.RunOk(b)));
    }

    [Fact]
    public void DestinationSymlinkLeadingOut_IsResolvedInsideTheRootfs()
    {
        // /escape -> ../../../../etc: walked inside the rootfs it is the rootfs's /etc, never the host's.
        var b = R.NewBundle(privateRootfs: true).Sh("grep -c '^user1000:' /escape/passwd; grep -c '^_apt:' /escape/passwd; true");
        File.CreateSymbolicLink(Path.Combine(b.RootfsPath, "escape"), "../../../../etc");
        b.AddMount("/escape", "tmpfs", "tmpfs", "tmpcopyup");
        Assert.Equal(new[] { "1", "0" }, Lines(R.RunOk(b)));
    }

    [Fact]
    public void TmpcopyupOnABindMount_IsRefused_NamingTheMount()
    {
        var src = R.TempPath("bind-src");
        Directory.CreateDirectory(src);
        var b = R.NewBundle().Sh("true");
        b.AddMount("/data", "bind", src, "rbind", "tmpcopyup");
        var id = NewId();
        var r = R.Run(b, id);
        // runc ignores tmpcopyup anywhere but on a tmpfs.
        Env.RunsharpOnly(() =>
        {
            r.Fails();
            Assert.Contains("mounts[7].options: tmpcopyup applies to tmpfs mounts only", r.Stderr);
        });
    }
}
