namespace Runtime.Integration.Tests;

/// <summary>
/// `run` and `exec` in the foreground, started the way a user's shell starts them (a session leader on a
/// terminal, here a pty the test holds): the runtime waits for the process, passes signals on, and with
/// process.terminal but no --console-socket (the default `runc spec` config) makes the container's pty its own
/// business: the terminal goes raw, keys and resizes reach the container, its output reaches the screen, and the
/// terminal is restored at the end.
/// </summary>
public class ForegroundTests : IntegrationTest
{
    private const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, OPOST = 0x1, ONLCR = 0x4, ICRNL = 0x100;
    private const int SIGUSR1 = 10, SIGTERM = 15;

    private Bundle TtyBundle(string script)
    {
        var b = R.NewBundle().Sh(script);
        b.Process["terminal"] = true;
        return b;
    }

    private string StartSleeper()
    {
        var id = NewId();
        R.Create(R.NewBundle().Args("sleep", "300"), id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "running");
        return id;
    }

    [Fact]
    public void RunTty_ContainerSeesATerminalOfTheHostsSize_AndTheExitCodeComesBack()
    {
        var b = TtyBundle("tty; echo \"first:$(stty size)\"; sleep 0.5; echo \"later:$(stty size)\"; echo done; exit 3");
        using var fg = ForegroundRuntime.OnPty(R, R.RunArgs(b, NewId()), rows: 40, columns: 100);
        Assert.Equal(3, fg.WaitForExit());
        var lines = Lines(fg.Screen.Replace("\r", ""));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^/dev/pts/\d+$"));
        Assert.Contains("later:40 100", lines);
        // runc copies the size after the process started (its first look may see 0x0); runsharp sets it before.
        Env.RunsharpOnly(() => Assert.Contains("first:40 100", lines));
        // The container's pty leaves "\n" alone; the host terminal (output processing on) makes it "\r\n".
        Assert.Contains("done\r\n", fg.Screen);
        Assert.DoesNotContain("\r\r\n", fg.Screen);
    }

    [Fact]
    public void RunTty_TerminalIsRawWhileTheContainerRuns_KeysReachIt_AndTheModesComeBack()
    {
        var b = TtyBundle("echo ready; read line; echo \"got:$line\"");
        using var fg = ForegroundRuntime.OnPty(R, R.RunArgs(b, NewId()));
        var (lflagBefore, _, _) = fg.InitialModes!.Value;
        Assert.True((lflagBefore & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG), "a new pty starts in cooked mode");
        fg.ReadUntil("ready");
        var (lflag, oflag, iflag) = fg.Modes();
        Assert.Equal(0u, lflag & (ICANON | ECHO | ISIG));
        Assert.Equal(0u, iflag & ICRNL);
        Assert.Equal(OPOST | ONLCR, oflag & (OPOST | ONLCR));
        // Enter sends "\r": raw here, the container's own (cooked) pty turns it into the end of a line.
        fg.Type("hello\r");
        fg.ReadUntil("got:hello");
        Assert.Equal(0, fg.WaitForExit());
        var (lflagAfter, oflagAfter, iflagAfter) = fg.Modes();
        Assert.Equal(lflagBefore, lflagAfter);
        Assert.Equal(ICRNL, iflagAfter & ICRNL);
        Assert.Equal(oflag, oflagAfter);
    }

    [Fact]
    public void RunTty_CtrlC_InterruptsTheContainersForegroundProgram()
    {
        // ^C is a byte for the raw host terminal; the container's pty turns it into SIGINT for its own foreground
        // process group: sleep dies of it, and sh (the pid namespace's init, which the signal cannot kill) exits
        // with sleep's status.
        var b = TtyBundle("echo ready; sleep 30; echo \"sleep:$?\"");
        using var fg = ForegroundRuntime.OnPty(R, R.RunArgs(b, NewId()));
        fg.ReadUntil("ready");
        Thread.Sleep(300); // let sh start sleep
        fg.Type("\u0003");
        Assert.Equal(130, fg.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Contains("^C", fg.Screen); // echoed by the container's pty, not by the raw host terminal
    }

    [Fact]
    public void RunTty_WindowResize_ReachesTheContainer()
    {
        var b = TtyBundle("trap 'stty size' WINCH; trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done");
        using var fg = ForegroundRuntime.OnPty(R, R.RunArgs(b, NewId()), rows: 40, columns: 100);
        fg.ReadUntil("ready");
        fg.Resize(50, 120);
        fg.ReadUntil("50 120");
        fg.Signal(SIGTERM);
        Assert.Equal(0, fg.WaitForExit());
    }

    [Fact]
    public void RunTty_SignalsToTheRuntime_GoToTheContainer()
    {
        var b = TtyBundle("trap 'echo got-usr1' USR1; trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.1; done");
        using var fg = ForegroundRuntime.OnPty(R, R.RunArgs(b, NewId()));
        fg.ReadUntil("ready");
        fg.Signal(SIGUSR1);
        fg.ReadUntil("got-usr1");
        fg.Signal(SIGTERM);
        fg.ReadUntil("got-term");
        Assert.Equal(42, fg.WaitForExit());
    }

    [Fact]
    public void Run_WithoutTty_SignalsToTheRuntime_GoToTheContainer()
    {
        var b = R.NewBundle().Sh("trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.1; done");
        var id = NewId();
        string output = R.TempPath("fg.out");
        using var fg = ForegroundRuntime.OnFiles(R, R.RunArgs(b, id), "/dev/null", output);
        WaitForFile(output, "ready");
        fg.Signal(SIGTERM);
        Assert.Equal(42, fg.WaitForExit());
        Assert.Contains("got-term", File.ReadAllText(output));
    }

    [Fact]
    public void Run_WithoutTty_ASignalBetweenTheStartAndTheWait_IsForwarded()
    {
        // strace holds the runtime 2 s at pidfd_open, which its wait loop calls first: a SIGTERM sent then must already
        // be caught (runc catches signals before it starts the container). Caught too late, it killed the runtime (143)
        // and left the container running; a TCG guest's slowness opened that window by itself.
        var b = R.NewBundle().Sh("trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.1; done");
        var id = NewId();
        string output = R.TempPath("fg-held.out");
        string[] strace = ["strace", "-qq", "-o", "/dev/null", "-e", "trace=pidfd_open", "-e", "inject=pidfd_open:delay_enter=2000000"];
        using var fg = ForegroundRuntime.OnFiles(R, R.RunArgs(b, id), "/dev/null", output, strace);
        WaitForFile(output, "ready");
        int runtime = TracedChild(fg.Pid);
        R.TrackHostProcess(runtime);
        Native.kill(runtime, SIGTERM);
        Assert.Equal(42, fg.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("got-term", File.ReadAllText(output));
    }

    /// <summary>The process strace (<paramref name="tracer"/>) started.</summary>
    private static int TracedChild(int tracer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string children = "";
        while (DateTime.UtcNow < deadline && (children = File.ReadAllText($"/proc/{tracer}/task/{tracer}/children").Trim()).Length == 0)
            Thread.Sleep(20);
        Assert.NotEmpty(children);
        return int.Parse(children.Split(' ')[0]);
    }

    [Fact]
    public void Run_Foreground_ASignalLandingOnAnyRuntimeThread_IsForwarded()
    {
        // A process-directed signal may be taken by any thread of the runtime (runsharp's .NET runtime has a
        // finalizer thread besides the main one; runc has many): each must pass it on, not die of it or drop it.
        var b = R.NewBundle().Sh("n=0; trap 'n=$((n+1)); echo usr1:$n' USR1; trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done");
        string output = R.TempPath("fg.out");
        using var fg = ForegroundRuntime.OnFiles(R, R.RunArgs(b, NewId()), "/dev/null", output);
        WaitForFile(output, "ready");
        var threads = Directory.GetDirectories($"/proc/{fg.Pid}/task").Select(t => int.Parse(Path.GetFileName(t))).ToList();
        Assert.True(threads.Count >= 2, $"expected the runtime to have more than one thread: {string.Join(", ", threads)}");
        int sent = 0;
        foreach (int tid in threads)
        {
            Assert.Equal(0, Native.tgkill(fg.Pid, tid, SIGUSR1));
            WaitForFile(output, $"usr1:{++sent}\n");
        }
        fg.Signal(SIGTERM);
        Assert.Equal(0, fg.WaitForExit());
    }

    [Fact]
    public void ExecTty_InTheForeground_RelaysTheTerminal_AndTheExitCode()
    {
        var id = StartSleeper();
        using var fg = ForegroundRuntime.OnPty(R, ["exec", "-t", id, "sh", "-c", "tty; stty size; echo ready; read line; echo \"got:$line\"; exit 5"], rows: 30, columns: 90);
        fg.ReadUntil("ready");
        fg.Type("typed\r");
        fg.ReadUntil("got:typed");
        Assert.Equal(5, fg.WaitForExit());
        var lines = Lines(fg.Screen.Replace("\r", ""));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^/dev/pts/\d+$"));
        Assert.Contains("30 90", lines);
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void ExecTty_InTheForeground_SignalsToTheRuntime_GoToTheProcess()
    {
        var id = StartSleeper();
        using var fg = ForegroundRuntime.OnPty(R, ["exec", "-t", id, "sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.1; done"]);
        fg.ReadUntil("ready");
        fg.Signal(SIGTERM);
        fg.ReadUntil("got-term");
        Assert.Equal(7, fg.WaitForExit());
        Assert.Equal("running", R.Status(id));
    }

    [Fact]
    public void RunTty_WithNoTerminalAnywhere()
    {
        // stdio are files and there is no controlling terminal. runc 1.1 refuses ("open /dev/tty: no such device or
        // address"); runsharp relays the pty to the files: no raw mode and no size to copy, "\n" left as written.
        var b = TtyBundle("tty; echo done; exit 3");
        string output = R.TempPath("tty.out");
        using var fg = ForegroundRuntime.OnFiles(R, R.RunArgs(b, NewId()), "/dev/null", output);
        int code = fg.WaitForExit();
        string text = File.ReadAllText(output);
        if (Env.IsRunc)
        {
            Assert.NotEqual(0, code);
            Assert.Contains("/dev/tty", text + string.Join('\n', R.LogLines()));
            return;
        }
        Assert.Equal(3, code);
        Assert.Matches(@"^/dev/pts/\d+\ndone\n$", text);
    }

    [Fact]
    public void RunDetached_TtyWithoutConsoleSocket_Fails()
    {
        var b = TtyBundle("true");
        var id = NewId();
        var r = R.Run(b, id, "--detach").Fails();
        Assert.Contains("console socket", r.Stderr + r.Log);
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    private static void WaitForFile(string path, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline && !(File.Exists(path) && File.ReadAllText(path).Contains(text))) Thread.Sleep(20);
        Assert.True(File.Exists(path) && File.ReadAllText(path).Contains(text), $"{path} never contained '{text}': {(File.Exists(path) ? File.ReadAllText(path) : "(missing)")}");
    }
}
