namespace Runtime.Integration.Tests;

/// <summary>terminal: true with --console-socket: the runtime sends exactly one pty master fd (SCM_RIGHTS).</summary>
public class ConsoleTests : IntegrationTest
{
    private Bundle TtyBundle(string script)
    {
        var b = R.NewBundle().Sh(script);
        b.Process["terminal"] = true;
        return b;
    }

    [Fact]
    public unsafe void CreateWithConsoleSocket_ReceivesOnePtyMaster_TtyInsideIsPts()
    {
        using var cs = new ConsoleSocket(R.TempPath("console.sock"));
        var b = TtyBundle("tty; stty size; stat -c '%t' /dev/console; echo done; sleep 0.5");
        b.Process["consoleSize"] = new JsonObject { ["height"] = 33, ["width"] = 101 };
        var id = NewId();
        R.Create(b, id, "--console-socket", cs.Path).Ok();
        var (fds, payload, cmsgs, flags) = cs.Receive(TimeSpan.FromSeconds(10));
        try
        {
            Assert.Equal(1, cmsgs);
            Assert.Single(fds);
            Assert.Equal(0, flags & 0x8 /* MSG_CTRUNC */);
            int ptn;
            Assert.True(Native.ioctl(fds[0], Native.TIOCGPTN, &ptn) == 0, "the received fd is not a pty master (TIOCGPTN failed)");

            R.Start(id).Ok();
            var output = Native.ReadFdUntil(fds[0], s => s.Contains("done"), TimeSpan.FromSeconds(10));
            var lines = Lines(output.Replace("\r", ""));
            Assert.True(lines.Length >= 4, $"unexpected console output: {output}");
            Assert.Equal($"/dev/pts/{ptn}", lines[0]);
            Assert.Matches(@"^/dev/pts/\d+$", lines[0]);
            Assert.Equal("33 101", lines[1]);
            Assert.Equal("88", lines[2]); // /dev/console is the pty slave (major 136)
            Assert.Equal("done", lines[3]);
            Assert.Equal("", R.ReadOut(id)); // nothing went to the runtime's stdout
        }
        finally
        {
            foreach (var fd in fds) Native.close(fd);
        }
        R.WaitForStatus(id, "stopped");
    }

    [Fact]
    public async Task RunDetachedWithConsoleSocket()
    {
        using var cs = new ConsoleSocket(R.TempPath("console.sock"));
        var b = TtyBundle("echo via-pty; sleep 0.5");
        var id = NewId();
        var run = Task.Run(() => R.Run(b, id, "--detach", "--console-socket", cs.Path));
        var (fds, _, _, _) = cs.Receive(TimeSpan.FromSeconds(10));
        try
        {
            Assert.Single(fds);
            (await run.WaitAsync(TimeSpan.FromSeconds(20))).Ok();
            var output = Native.ReadFdUntil(fds[0], s => s.Contains("via-pty"), TimeSpan.FromSeconds(10));
            Assert.Contains("via-pty\r\n", output);
        }
        finally
        {
            foreach (var fd in fds) Native.close(fd);
        }
    }

    [Fact]
    public void TerminalWithoutConsoleSocket_OnCreate_Fails()
    {
        var b = TtyBundle("true");
        var id = NewId();
        var r = R.Create(b, id).Fails();
        Assert.Contains("console", r.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    [Fact]
    public void ConsoleSocketWithoutTerminal_Fails()
    {
        using var cs = new ConsoleSocket(R.TempPath("console.sock"));
        var b = R.NewBundle().Args("true");
        var id = NewId();
        var r = R.Create(b, id, "--console-socket", cs.Path).Fails();
        Assert.Contains("console", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A console socket whose listener stopped accepting and whose backlog is full: connect(2) would wait for it
    /// forever. create gives up after a bounded wait and says why, leaving nothing behind. (runc 1.1.5 blocks in
    /// connect until the listener accepts, so this runs against runsharp only.)
    /// </summary>
    [Fact]
    public void ConsoleSocketThatAcceptsNothing_FailsCreate_InsteadOfHanging() => Env.RunsharpOnly(() =>
    {
        string path = R.TempPath("full.sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var queued = new List<System.Net.Sockets.Socket>();
        try
        {
            // Fill the backlog: non-blocking connects succeed until it is full, then say EAGAIN.
            for (int i = 0; i < 64; i++)
            {
                var c = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified) { Blocking = false };
                try { c.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path)); queued.Add(c); }
                catch (System.Net.Sockets.SocketException) { c.Dispose(); break; }
            }
            Assert.InRange(queued.Count, 1, 63);
            var id = NewId();
            var r = R.Create(TtyBundle("true"), id, new ExecOptions { Timeout = TimeSpan.FromSeconds(60) }, "--console-socket", path).Fails();
            Assert.Contains("console socket", r.Stderr);
            Assert.Contains("backlog", r.Stderr);
            Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
        }
        finally
        {
            foreach (var c in queued) c.Dispose();
        }
    });
}
