using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// The runtime started by the test in the foreground, as a user's shell runs it: a session leader whose stdio is
/// either a pty the test holds the master of (so the runtime's terminal is that pty: the test types on it, reads
/// the screen, resizes it and looks at its modes) or plain files (no terminal at all).
/// </summary>
public sealed unsafe class ForegroundRuntime : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _screen = new();

    /// <summary>The pty master (-1 when the runtime runs on files).</summary>
    public int Master { get; }

    /// <summary>The runtime's own pid.</summary>
    public int Pid { get; }

    /// <summary>The pty's modes as opened, before the runtime started (null when it runs on files): read any later,
    /// they may already be the runtime's raw mode.</summary>
    public (uint Lflag, uint Oflag, uint Iflag)? InitialModes { get; private set; }

    /// <summary>Everything read from the pty so far.</summary>
    public string Screen => _screen.ToString();

    private ForegroundRuntime(Process process, int master, int pid)
    {
        _process = process;
        Master = master;
        Pid = pid;
    }

    /// <summary>Runs the runtime with stdin, stdout and stderr on a new pty of <paramref name="rows"/> x
    /// <paramref name="columns"/>, which becomes its controlling terminal.</summary>
    public static ForegroundRuntime OnPty(Runtime r, string[] args, ushort rows = 40, ushort columns = 100)
    {
        int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0) throw new IOException($"open /dev/ptmx: errno {Marshal.GetLastPInvokeError()}");
        int zero = 0, ptn = 0;
        if (Native.ioctl(master, TIOCSPTLCK, &zero) < 0 || Native.ioctl(master, Native.TIOCGPTN, &ptn) < 0)
            throw new IOException($"unlock pty: errno {Marshal.GetLastPInvokeError()}");
        SetSize(master, rows, columns);
        string slave = $"/dev/pts/{ptn}";
        var initial = ModesOf(master);
        var fg = Start(r, args, $"<{Env.Q(slave)} >{Env.Q(slave)} 2>&1", master);
        fg.InitialModes = initial;
        return fg;
    }

    /// <summary>Runs the runtime in a session of its own with no terminal: stdin, stdout and stderr are files.
    /// <paramref name="prefix"/>: words the runtime's command line starts with (a tracer, say); <see cref="Pid"/> is
    /// then the prefix's process.</summary>
    public static ForegroundRuntime OnFiles(Runtime r, string[] args, string stdin, string stdout, IReadOnlyList<string>? prefix = null) =>
        Start(r, args, $"<{Env.Q(stdin)} >{Env.Q(stdout)} 2>&1", -1, prefix);

    private static ForegroundRuntime Start(Runtime r, string[] args, string redirections, int master, IReadOnlyList<string>? prefix = null)
    {
        string pidFile = r.TempPath("fg-" + Guid.NewGuid().ToString("N")[..8] + ".pid");
        // setsid: a new session, whose leader (sh, then the runtime it becomes) takes the pty opened by the
        // redirections as its controlling terminal.
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = r.TempDir };
        psi.ArgumentList.Add("-w");
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"echo $$ > {Env.Q(pidFile)}; exec {string.Concat((prefix ?? []).Select(w => Env.Q(w) + " "))}{r.CommandLine(args)} {redirections}");
        var process = Process.Start(psi)!;
        r.TrackHostProcess(process.Id);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n')) && DateTime.UtcNow < deadline) Thread.Sleep(10);
        int pid = int.Parse(File.ReadAllText(pidFile).Trim());
        r.TrackHostProcess(pid);
        return new ForegroundRuntime(process, master, pid);
    }

    /// <summary>Reads the pty until the screen shows <paramref name="text"/>; fails with the screen if it never does.</summary>
    public string ReadUntil(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!Screen.Contains(text) && DateTime.UtcNow < deadline && ReadSome(200) >= 0) { }
        Assert.True(Screen.Contains(text), $"the screen never showed '{text}'; it shows:\n{Screen}");
        return Screen;
    }

    /// <summary>Types on the terminal.</summary>
    public void Type(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes) Assert.Equal(bytes.Length, (int)write(Master, p, bytes.Length));
    }

    /// <summary>Resizes the terminal (the kernel then sends SIGWINCH to its foreground process group).</summary>
    public void Resize(ushort rows, ushort columns) => SetSize(Master, rows, columns);

    /// <summary>The terminal's c_lflag (ICANON, ECHO, ISIG...) and c_oflag.</summary>
    public (uint Lflag, uint Oflag, uint Iflag) Modes() => ModesOf(Master);

    private static (uint Lflag, uint Oflag, uint Iflag) ModesOf(int master)
    {
        int* termios = stackalloc int[16];
        Assert.True(Native.ioctl(master, TCGETS, termios) == 0, "TCGETS on the pty master failed");
        return ((uint)termios[3], (uint)termios[1], (uint)termios[0]);
    }

    public void Signal(int signal) => Native.kill(Pid, signal);

    /// <summary>Waits for the runtime to exit, reading the pty meanwhile; returns its exit code.</summary>
    public int WaitForExit(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!_process.HasExited && DateTime.UtcNow < deadline)
        {
            if (Master < 0 || ReadSome(100) < 0) _process.WaitForExit(100);
        }
        Assert.True(_process.HasExited, $"the runtime did not exit; the screen shows:\n{Screen}");
        _process.WaitForExit();
        while (Master >= 0 && ReadSome(0) > 0) { }
        return _process.ExitCode;
    }

    /// <summary>One poll and read of the master: bytes read, 0 on timeout, -1 once the slave side is closed.</summary>
    private int ReadSome(int timeoutMs)
    {
        var pfd = new Native.PollFd { fd = Master, events = Native.POLLIN };
        int r = Native.poll(&pfd, 1, timeoutMs);
        if (r <= 0) return 0;
        byte* buf = stackalloc byte[4096];
        nint n = Native.read(Master, buf, 4096);
        if (n <= 0) return -1;
        _screen.Append(Encoding.UTF8.GetString(buf, (int)n));
        return (int)n;
    }

    private static void SetSize(int fd, ushort rows, ushort columns)
    {
        ushort* ws = stackalloc ushort[4];
        ws[0] = rows; ws[1] = columns; ws[2] = ws[3] = 0;
        Assert.True(Native.ioctl(fd, TIOCSWINSZ, (int*)ws) == 0, "TIOCSWINSZ failed");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Native.kill(Pid, 9);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        if (Master >= 0) Native.close(Master);
    }

    private const int O_RDWR = 2, O_NOCTTY = 0x100, O_CLOEXEC = 0x80000;
    private const ulong TIOCSPTLCK = 0x40045431, TIOCSWINSZ = 0x5414, TCGETS = 0x5401;
    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, byte* buf, nint count);
}
