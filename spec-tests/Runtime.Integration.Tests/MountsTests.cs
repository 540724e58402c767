namespace Runtime.Integration.Tests;

/// <summary>root.readonly, mounts (tmpfs options, bind ro/rw, symlinked destinations), maskedPaths, readonlyPaths.</summary>
public class MountsTests : IntegrationTest
{
    /// <summary>The line of /proc/self/mounts inside the container for a mount point (last one wins).</summary>
    private static string MountLine(string output, string mountPoint) =>
        Lines(output).Last(l => l.Split(' ').Length > 3 && l.Split(' ')[1] == mountPoint);

    private static string[] MountOptions(string line) => line.Split(' ')[3].Split(',');

    [Fact]
    public void RootReadonly_RootfsNotWritable_TmpfsStillWritable()
    {
        var b = R.NewBundle(privateRootfs: true).Sh(
            "touch /newfile 2>&1; echo rc=$?; touch /tmp/ok && echo tmp-ok; grep ' / ' /proc/self/mounts | head -1");
        b.Config["root"]!["readonly"] = true;
        b.AddMount("/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=1777");
        var output = R.RunOk(b);
        Assert.Contains("Read-only file system", output);
        Assert.Contains("rc=1", output);
        Assert.Contains("tmp-ok", output);
        Assert.Contains("ro", MountOptions(MountLine(output, "/")));
        Assert.False(File.Exists(Path.Combine(b.RootfsPath, "newfile")));
        Assert.False(File.Exists(Path.Combine(b.RootfsPath, "tmp", "ok")), "the tmpfs write must not reach the rootfs");
    }

    [Fact]
    public void RootWritable_WritesLandInRootfs()
    {
        var b = R.NewBundle(privateRootfs: true).Sh("echo data > /written-by-container");
        R.RunOk(b);
        Assert.Equal("data\n", File.ReadAllText(Path.Combine(b.RootfsPath, "written-by-container")));
    }

    [Fact]
    public void Tmpfs_SizeAndModeOptions()
    {
        var b = R.NewBundle().Sh("grep ' /scratch ' /proc/self/mounts; stat -c %a /scratch");
        b.AddMount("/scratch", "tmpfs", "tmpfs", "size=1m", "mode=1770", "nosuid", "noexec");
        var output = R.RunOk(b);
        var line = MountLine(output, "/scratch");
        Assert.StartsWith("tmpfs /scratch tmpfs ", line);
        var opts = MountOptions(line);
        Assert.Contains("size=1024k", opts);
        Assert.Contains("mode=1770", opts);
        Assert.Contains("nosuid", opts);
        Assert.Contains("noexec", opts);
        Assert.Equal("1770", Lines(output).Last());
    }

    [Fact]
    public void Tmpfs_SizeIsEnforced()
    {
        var b = R.NewBundle().Sh("dd if=/dev/zero of=/small/f bs=1024 count=200 2>&1; echo rc=$?");
        b.AddMount("/small", "tmpfs", "tmpfs", "size=64k");
        var output = R.RunOk(b);
        Assert.Contains("No space left on device", output);
        Assert.DoesNotContain("rc=0", output);
    }

    [Fact]
    public void Mount_DestinationIsCreated()
    {
        var b = R.NewBundle(privateRootfs: true).Sh("grep -c ' /a/b/c ' /proc/self/mounts");
        b.AddMount("/a/b/c", "tmpfs", "tmpfs");
        Assert.Equal("1\n", R.RunOk(b));
        Assert.True(Directory.Exists(Path.Combine(b.RootfsPath, "a", "b", "c")));
    }

    [Fact]
    public void BindMount_ReadOnly()
    {
        var src = R.TempPath("bind-src");
        Directory.CreateDirectory(src);
        File.WriteAllText(Path.Combine(src, "hello.txt"), "hello-from-host\n");
        var b = R.NewBundle().Sh("cat /data/hello.txt; touch /data/new 2>&1; echo rc=$?; grep ' /data ' /proc/self/mounts");
        b.AddMount("/data", "bind", src, "rbind", "ro");
        var output = R.RunOk(b);
        Assert.StartsWith("hello-from-host\n", output);
        Assert.Contains("Read-only file system", output);
        Assert.Contains("rc=1", output);
        Assert.Contains("ro", MountOptions(MountLine(output, "/data")));
        Assert.False(File.Exists(Path.Combine(src, "new")));
    }

    [Fact]
    public void BindMount_ReadWrite_VisibleOnHost()
    {
        var src = R.TempPath("bind-rw");
        Directory.CreateDirectory(src);
        var b = R.NewBundle().Sh("echo from-container > /data/out.txt");
        b.AddMount("/data", "none", src, "bind");
        R.RunOk(b);
        Assert.Equal("from-container\n", File.ReadAllText(Path.Combine(src, "out.txt")));
    }

    [Fact]
    public void BindMount_File()
    {
        var src = R.TempPath("single-file");
        File.WriteAllText(src, "one-file\n");
        var b = R.NewBundle(privateRootfs: true).Args("cat", "/etc/single");
        b.AddMount("/etc/single", "bind", src, "bind", "ro");
        Assert.Equal("one-file\n", R.RunOk(b));
    }

    [Fact]
    public void MountDestinationSymlink_StaysInsideRootfs()
    {
        // /evil -> /../../etc inside the rootfs: resolved in the rootfs it is the rootfs's own /etc; followed
        // naively from the host it would be the host's /etc. The mount must land on the rootfs's /etc.
        var b = R.NewBundle(privateRootfs: true).Sh(
            "grep ' /etc ' /proc/self/mounts; ls -A /etc | wc -l; echo marker > /evil/marker; cat /etc/marker");
        File.CreateSymbolicLink(Path.Combine(b.RootfsPath, "evil"), "/../../etc");
        b.AddMount("/evil", "tmpfs", "tmpfs", "size=1m");
        var hostEtcMounts = Mounts.Under("/etc").Count();
        var output = R.RunOk(b);
        var lines = Lines(output);
        Assert.StartsWith("tmpfs /etc tmpfs ", lines[0]); // the rootfs's /etc is now the tmpfs
        Assert.Equal("0", lines[1]);                      // so passwd/group are hidden by the empty tmpfs
        Assert.Equal("marker", lines[2]);
        Assert.True(File.Exists("/etc/passwd"));
        Assert.Equal(hostEtcMounts, Mounts.Under("/etc").Count());
        Assert.True(File.Exists(Path.Combine(b.RootfsPath, "etc", "passwd")), "the rootfs's /etc must be untouched underneath");
        Assert.False(File.Exists(Path.Combine(b.RootfsPath, "etc", "marker")));
    }

    [Fact]
    public void BindMountSourceSymlinkInDestinationPath_IsResolvedInRootfs()
    {
        // A relative escape: /up -> ../../../../../../tmp. Inside the rootfs it resolves to the rootfs's /tmp.
        var src = R.TempPath("esc-src");
        Directory.CreateDirectory(src);
        File.WriteAllText(Path.Combine(src, "f"), "escaped?\n");
        var b = R.NewBundle(privateRootfs: true).Sh("cat /tmp/f");
        File.CreateSymbolicLink(Path.Combine(b.RootfsPath, "up"), "../../../../../../tmp");
        b.AddMount("/up", "bind", src, "bind", "ro");
        Assert.Equal("escaped?\n", R.RunOk(b));
    }

    [Fact]
    public void Proc_IsMountedAndShowsContainerPid1()
    {
        var b = R.NewBundle().Sh("grep -E '^proc /proc proc ' /proc/self/mounts | wc -l; cat /proc/1/comm; true");
        Assert.Equal("1\nsh\n", R.RunOk(b));
    }

    [Fact]
    public void Sysfs_ReadOnly()
    {
        var b = R.NewBundle().Sh("grep ' /sys ' /proc/self/mounts");
        var line = MountLine(R.RunOk(b), "/sys");
        Assert.StartsWith("sysfs /sys sysfs ", line);
        Assert.Contains("ro", MountOptions(line));
    }

    [Fact]
    public void MaskedPaths_FileReadsEmpty_DirIsEmpty()
    {
        var src = R.TempPath("masked-src");
        Directory.CreateDirectory(Path.Combine(src, "secret"));
        File.WriteAllText(Path.Combine(src, "secret", "key"), "hunter2\n");
        File.WriteAllText(Path.Combine(src, "visible"), "shown\n");
        File.WriteAllText(Path.Combine(src, "hidden-file"), "hidden\n");
        var b = R.NewBundle().Sh(
            "echo timer_list=$(wc -c < /proc/timer_list); echo dir=$(ls -A /data/secret | wc -l); " +
            "echo file=$(cat /data/hidden-file | wc -c); cat /data/secret/key 2>/dev/null || echo key-gone; cat /data/visible");
        b.AddMount("/data", "bind", src, "rbind", "rw");
        b.Linux["maskedPaths"] = Json.Arr("/proc/kcore", "/proc/timer_list", "/data/secret", "/data/hidden-file", "/does/not/exist");
        var lines = Lines(R.RunOk(b));
        Assert.True(File.ReadAllText("/proc/timer_list").Length > 0, "the host's /proc/timer_list must have content for this test to mean anything");
        Assert.Equal(new[] { "timer_list=0", "dir=0", "file=0", "key-gone", "shown" }, lines);
        Assert.Equal("hunter2\n", File.ReadAllText(Path.Combine(src, "secret", "key")));
    }

    [Fact]
    public void ReadonlyPaths_ProcSysIsReadOnly()
    {
        var b = R.NewBundle().Sh("grep ' /proc/sys ' /proc/self/mounts; (echo x > /proc/sys/kernel/domainname) 2>&1; echo rc=$?");
        var output = R.RunOk(b);
        Assert.Contains("ro", MountOptions(MountLine(output, "/proc/sys")));
        Assert.Contains("Read-only file system", output);
        Assert.Contains("rc=1", output);
    }

    [Fact]
    public void ReadonlyPaths_CustomBindDir()
    {
        var src = R.TempPath("ro-src");
        Directory.CreateDirectory(Path.Combine(src, "locked"));
        var b = R.NewBundle().Sh("touch /data/locked/x 2>&1; echo rc=$?; touch /data/free && echo free-ok");
        b.AddMount("/data", "bind", src, "rbind", "rw");
        b.Linux["readonlyPaths"] = Json.Arr("/data/locked");
        var output = R.RunOk(b);
        Assert.Contains("Read-only file system", output);
        Assert.Contains("rc=1", output);
        Assert.Contains("free-ok", output);
        Assert.True(File.Exists(Path.Combine(src, "free")));
        Assert.False(File.Exists(Path.Combine(src, "locked", "x")));
    }

    [Fact]
    public void DevShmAndMqueue_Mounted()
    {
        var b = R.NewBundle().Sh("grep -E ' /dev/(shm|mqueue) ' /proc/self/mounts | cut -d' ' -f2,3");
        Assert.Equal(new[] { "/dev/shm tmpfs", "/dev/mqueue mqueue" }, Lines(R.RunOk(b)));
    }
}
