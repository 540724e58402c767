using System.Net.Sockets;

namespace Runtime.Integration.Tests;

/// <summary>`exec`: a new process in a running container joins its namespaces and cgroup; exit codes; failures exit 255.</summary>
public class ExecTests : IntegrationTest
{
    /// <summary>Creates and starts a container whose init sleeps; returns its id.</summary>
    private string StartSleeper(Bundle? b = null)
    {
        b ??= R.NewBundle();
        b.Args("sleep", "300");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "running");
        return id;
    }

    private static string Ns(int pid, string name) => new FileInfo($"/proc/{pid}/ns/{name}").LinkTarget!;

    [Fact]
    public void Exec_Echo_PrintsOutput_AndExitsZero()
    {
        var id = StartSleeper();
        var r = R.Exec("exec", id, "echo", "hello from exec");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hello from exec\n", r.Stdout);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void Exec_ExitCode_IsPropagated()
    {
        var id = StartSleeper();
        Assert.Equal(7, R.Exec("exec", id, "sh", "-c", "exit 7").ExitCode);
        Assert.Equal(0, R.Exec("exec", id, "true").ExitCode);
        // Killed by a signal: 128 + the signal, as a shell reports it.
        Assert.Equal(128 + 9, R.Exec("exec", id, "sh", "-c", "kill -9 $$").ExitCode);
    }

    [Fact]
    public void Exec_JoinsTheContainersNamespaces()
    {
        var b = R.NewBundle(privateRootfs: true);
        File.WriteAllText(Path.Combine(b.RootfsPath, "only-in-rootfs"), "marker-in-rootfs\n");
        var id = StartSleeper(b);
        int init = R.Pid(id);

        Assert.Equal("runsharp-test\n", R.Exec("exec", id, "hostname").Ok().Stdout);
        Assert.Equal("marker-in-rootfs\n", R.Exec("exec", id, "cat", "/only-in-rootfs").Ok().Stdout);
        // The container's pid namespace: its init is pid 1, and our own pid is small.
        var ps = R.Exec("exec", id, "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; echo self=$$").Ok().Stdout;
        Assert.Contains("sleep 300", ps);
        var links = R.Exec("exec", id, "sh", "-c", "for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done").Ok().Stdout;
        Assert.Equal(new[] { "pid", "net", "ipc", "uts", "mnt" }.Select(n => Ns(init, n)).ToArray(), Lines(links));
    }

    [Fact]
    public void Exec_EnvUserAndCwd_Flags()
    {
        var id = StartSleeper();
        var r = R.Exec("exec", "--env", "FOO=bar", "--env", "TERM=dumb", "--user", "1000", "--cwd", "/tmp", id,
            "sh", "-c", "echo $FOO $TERM; id -u; id -g; pwd").Ok();
        Assert.Equal(new[] { "bar dumb", "1000", "0", "/tmp" }, Lines(r.Stdout));
        var g = R.Exec("exec", "-u", "1000:1001", "-g", "1002", id, "sh", "-c", "id -u; id -g; id -G").Ok();
        var lines = Lines(g.Stdout);
        Assert.Equal("1000", lines[0]);
        Assert.Equal("1001", lines[1]);
        Assert.Contains("1002", lines[2].Split(' '));
        // The container's env is the default: PATH from config.json.
        Assert.Contains("PATH=/usr/local/sbin", R.Exec("exec", id, "env").Ok().Stdout);
    }

    [Fact]
    public void Exec_WithProcessJson()
    {
        var id = StartSleeper();
        var process = new JsonObject
        {
            ["terminal"] = false,
            ["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 },
            ["args"] = Json.Arr("sh", "-c", "echo from-process-json $GREETING; id -u; pwd; exit 3"),
            ["env"] = Json.Arr("PATH=/bin:/usr/bin", "GREETING=hi"),
            ["cwd"] = "/etc",
        };
        var path = R.TempPath("process.json");
        File.WriteAllText(path, process.ToJsonString());
        var r = R.Exec("exec", "-p", path, id);
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Equal(new[] { "from-process-json hi", "1000", "/etc" }, Lines(r.Stdout));
    }

    [Fact]
    public void Exec_Detached_WritesPidFile_ProcessInContainerCgroupAndNamespaces()
    {
        var id = StartSleeper();
        int init = R.Pid(id);
        var pidFile = R.TempPath("exec.pid");
        R.Exec("exec", "-d", "--pid-file", pidFile, id, "sleep", "300").Ok();
        var text = File.ReadAllText(pidFile);
        Assert.Matches("^[0-9]+$", text); // no newline
        int pid = int.Parse(text);
        R.TrackHostProcess(pid);
        Assert.True(Host.ProcessAlive(pid), $"exec'd process {pid} is not alive");
        Assert.NotEqual(init, pid);
        Assert.Equal(File.ReadAllText($"/proc/{init}/cgroup"), File.ReadAllText($"/proc/{pid}/cgroup"));
        foreach (var n in new[] { "pid", "net", "ipc", "uts", "mnt" })
            Assert.Equal(Ns(init, n), Ns(pid, n));
        Assert.Equal("sleep300", File.ReadAllText($"/proc/{pid}/cmdline").Replace("\0", ""));
        // The exec'd process counts as the container's: a second exec sees it.
        Assert.Equal(2, Lines(R.Exec("exec", id, "ps").Ok().Stdout).Count(l => l.Contains("sleep 300")));
    }

    [Fact]
    public void Exec_IntoStoppedContainer_FailsClearly()
    {
        var b = R.NewBundle().Args("true");
        var id = NewId();
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        var r = R.Exec("exec", id, "echo", "nope");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("stopped", r.Stderr + r.Log);
        Assert.DoesNotContain("nope", r.Stdout);
    }

    [Fact]
    public void Exec_IntoUnknownContainer_Fails()
    {
        var r = R.Exec("exec", NewId(), "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("does not exist", r.Stderr + r.Log);
    }

    [Fact]
    public void Exec_MissingBinary_Exits255_ExecutableNotFound()
    {
        var id = StartSleeper();
        var r = R.Exec("exec", id, "no-such-binary-here");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("executable file not found", r.Stderr + r.Log);
        Assert.Contains("no-such-binary-here", r.Stderr + r.Log);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void Exec_LeavesNothingBehind()
    {
        var id = StartSleeper();
        for (int i = 0; i < 3; i++) R.Exec("exec", id, "true").Ok();
        R.Exec("exec", id, "no-such-binary-here").Fails(255);
        // Only the init and this ps are left in the container's pid namespace.
        var pids = Lines(R.Exec("exec", id, "sh", "-c", "cd /proc && for p in [0-9]*; do [ $p = $$ ] || echo $p; done").Ok().Stdout);
        Assert.Equal(new[] { "1" }, pids);
    }

    [Fact]
    public void Exec_Cap_AddsToBoundingAndEffective()
    {
        var id = StartSleeper();
        const ulong sysAdmin = 1UL << 21;
        ulong Mask(string status, string field) =>
            Convert.ToUInt64(Lines(status).First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split('\t')[1], 16);
        var without = R.Exec("exec", id, "cat", "/proc/self/status").Ok().Stdout;
        Assert.Equal(0UL, Mask(without, "CapBnd") & sysAdmin);
        var with = R.Exec("exec", "--cap", "CAP_SYS_ADMIN", id, "cat", "/proc/self/status").Ok().Stdout;
        Assert.Equal(sysAdmin, Mask(with, "CapBnd") & sysAdmin);
        Assert.Equal(sysAdmin, Mask(with, "CapEff") & sysAdmin);
    }

    [Fact]
    public unsafe void Exec_DetachedTty_SendsPtyMasterToConsoleSocket()
    {
        var id = StartSleeper();
        var sockPath = R.TempPath("exec-console.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(sockPath));
        listener.Listen(4);
        var pidFile = R.TempPath("exec-tty.pid");
        R.Exec("exec", "-d", "-t", "--console-socket", sockPath, "--pid-file", pidFile, id,
            "sh", "-c", "tty; echo tty-done; sleep 1").Ok();
        R.TrackHostProcess(int.Parse(File.ReadAllText(pidFile)));
        // exec -d has returned: its connection is already queued.
        Assert.True(listener.Poll(TimeSpan.FromSeconds(10), SelectMode.SelectRead), "the runtime never connected to the console socket");
        using var conn = listener.Accept();
        var (fds, _, cmsgs, _) = Native.RecvFds((int)conn.Handle);
        try
        {
            Assert.Equal(1, cmsgs);
            Assert.Single(fds);
            int ptn;
            Assert.True(Native.ioctl(fds[0], Native.TIOCGPTN, &ptn) == 0, "the received fd is not a pty master");
            var output = Native.ReadFdUntil(fds[0], s => s.Contains("tty-done"), TimeSpan.FromSeconds(10));
            Assert.Contains("/dev/pts/", output);
        }
        finally { foreach (var fd in fds) Native.close(fd); }
        // The exec'd process gets a pty of its own; nothing is mounted over the container's /dev/console for it.
        Assert.Equal("0", R.Exec("exec", id, "sh", "-c", "grep -c ' /dev/console ' /proc/self/mountinfo; true").Ok().Stdout.Trim());
    }

    [Fact]
    public void Exec_DetachedTty_WithoutConsoleSocket_Fails()
    {
        var id = StartSleeper();
        var r = R.Exec("exec", "-d", "-t", id, "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("console socket", r.Stderr + r.Log);
    }

    [Fact]
    public void Exec_IntoPausedContainer_FailsClearly()
    {
        var id = StartSleeper();
        int init = R.Pid(id);
        // Freeze the container's cgroup directly (v1 freezer, else the v2 cgroup.freeze).
        var (file, frozen, thawed) = FreezerTests.FreezerOf(init);
        Assert.True(File.Exists(file), $"no freezer file {file}");
        File.WriteAllText(file, frozen);
        try
        {
            var r = R.Exec("exec", id, "echo", "nope");
            Assert.Equal(255, r.ExitCode);
            Assert.Contains("paused", r.Stderr + r.Log);
            Assert.DoesNotContain("nope", r.Stdout);
        }
        finally { File.WriteAllText(file, thawed); }
        Assert.Equal("yes\n", R.Exec("exec", id, "echo", "yes").Ok().Stdout);
    }
}
