using Runsharp.Linux;
using Runsharp.Linux.Native;
using Tmds.Linux;

namespace Runsharp.Container.Foreground;

/// <summary>
/// The byte pumps of a relayed tty, driven by <see cref="ForegroundWait"/>'s poll loop: the runtime's stdin to the
/// pty master, the master's output to the runtime's stdout. The master is non-blocking, so a container that does
/// not read its input never stalls its output; input waits in a small buffer until the master takes it. Stdout
/// stays blocking (it is shared with whoever started us), and a stdout that went away only stops the copying:
/// the master is still read, so the container never blocks on a full pty.
/// </summary>
internal sealed unsafe class TtyRelay
{
    private const int Stdin = 0, Stdout = 1;
    private const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    private readonly int _master;
    private readonly byte[] _input = new byte[4096];
    private readonly byte[] _output = new byte[32768];
    private int _inputStart, _inputEnd;
    private bool _stdinOpen = true, _masterOpen = true, _stdoutOpen = true;
    private int _stdinSlot = -1, _masterSlot = -1;

    public TtyRelay(int master)
    {
        _master = master;
        long flags = RawSyscall.Invoke(Sys.fcntl, master, 3 /* F_GETFL */);
        if (flags >= 0) RawSyscall.Invoke(Sys.fcntl, master, 4 /* F_SETFL */, flags | Flags.O_NONBLOCK);
    }

    private bool InputPending => _inputStart < _inputEnd;

    /// <summary>Adds the fds worth polling now to <paramref name="fds"/> from index <paramref name="count"/> on.</summary>
    public void AddPollFds(pollfd* fds, ref int count)
    {
        _stdinSlot = _masterSlot = -1;
        if (!_masterOpen) return;
        if (_stdinOpen && !InputPending)
        {
            _stdinSlot = count;
            fds[count++] = new pollfd { fd = Stdin, events = POLLIN };
        }
        _masterSlot = count;
        fds[count++] = new pollfd { fd = _master, events = InputPending ? (short)(POLLIN | POLLOUT) : POLLIN };
    }

    /// <summary>Acts on what poll reported for the fds <see cref="AddPollFds"/> added.</summary>
    public void Handle(pollfd* fds)
    {
        if (_stdinSlot >= 0 && fds[_stdinSlot].revents != 0) ReadStdin();
        if (_masterSlot < 0) return;
        short events = fds[_masterSlot].revents;
        if ((events & POLLNVAL) != 0) { _masterOpen = false; return; }
        if ((events & (POLLIN | POLLHUP | POLLERR)) != 0) CopyOutput();
        if ((events & POLLOUT) != 0) FlushInput();
    }

    /// <summary>After the process exited: what is still in the pty (the master reads EIO once no one holds the
    /// slave, and "nothing now" if some other process of the container still does).</summary>
    public void Drain()
    {
        for (int i = 0; i < 1024 && _masterOpen && CopyOutput() > 0; i++) { }
    }

    private void ReadStdin()
    {
        long n;
        fixed (byte* p = _input) n = RawSyscall.Invoke(Sys.read, Stdin, (long)p, _input.Length);
        if (n > 0)
        {
            _inputStart = 0;
            _inputEnd = (int)n;
            FlushInput();
        }
        else if (n == 0 || (n != -Errno.EAGAIN && n != -Errno.EINTR))
        {
            // End of input (or an fd we cannot read): the container's tty stays open, as with runc.
            _stdinOpen = false;
        }
    }

    private void FlushInput()
    {
        while (InputPending)
        {
            long n;
            fixed (byte* p = _input) n = RawSyscall.Invoke(Sys.write, _master, (long)(p + _inputStart), _inputEnd - _inputStart);
            if (n == -Errno.EINTR) continue;
            if (n == -Errno.EAGAIN) return; // poll asks for POLLOUT while input is pending
            if (n < 0) { _inputStart = _inputEnd = 0; _stdinOpen = false; return; }
            _inputStart += (int)n;
        }
    }

    /// <summary>One read of the master, copied to stdout; returns the bytes read (0 when none or closed).</summary>
    private int CopyOutput()
    {
        long n;
        do
        {
            fixed (byte* p = _output) n = RawSyscall.Invoke(Sys.read, _master, (long)p, _output.Length);
        } while (n == -Errno.EINTR);
        if (n == -Errno.EAGAIN) return 0;
        if (n <= 0)
        {
            // EIO: every slave fd is closed.
            _masterOpen = false;
            return 0;
        }
        if (_stdoutOpen) WriteStdout((int)n);
        return (int)n;
    }

    private void WriteStdout(int length)
    {
        int done = 0;
        while (done < length)
        {
            long n;
            // LibC's write, not RawSyscall: a slow reader can block us here, and the GC must be free meanwhile.
            fixed (byte* p = _output) n = (long)LibC.write(Stdout, p + done, (size_t)(length - done));
            if (n >= 0) { done += (int)n; continue; }
            int errno = Posix.LastErrno;
            if (errno == Errno.EINTR) continue;
            if (errno == Errno.EAGAIN)
            {
                var pfd = new pollfd { fd = Stdout, events = POLLOUT };
                LibC.poll(&pfd, 1, -1);
                continue;
            }
            _stdoutOpen = false;
            return;
        }
    }
}
