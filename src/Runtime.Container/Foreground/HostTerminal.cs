using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Foreground;

/// <summary>
/// The terminal the runtime itself runs on, if any, while it relays a container's tty: the first of stderr,
/// stdout and stdin that is a terminal, else the controlling terminal (/dev/tty), which is runc's order. Its
/// window size becomes the container's, and its input goes raw (keys reach the container's own line discipline)
/// until <see cref="Dispose"/> restores what it was.
/// </summary>
public sealed class HostTerminal : IDisposable
{
    private readonly bool _opened;
    private Termios _saved;
    private bool _raw;

    public int Fd { get; }

    private HostTerminal(int fd, bool opened)
    {
        Fd = fd;
        _opened = opened;
    }

    /// <summary>Null when there is no terminal at all (stdio redirected and no controlling terminal): runc fails
    /// then ("open /dev/tty: no such device or address"); we relay all the same, without raw mode or a size.</summary>
    public static HostTerminal? Find()
    {
        foreach (int fd in (ReadOnlySpan<int>)[2, 1, 0])
            if (Terminal.IsTerminal(fd)) return new HostTerminal(fd, opened: false);
        int tty = Posix.TryOpen("/dev/tty", Flags.O_RDWR | Flags.O_NOCTTY);
        if (tty < 0) return null;
        if (Terminal.IsTerminal(tty)) return new HostTerminal(tty, opened: true);
        Posix.Close(tty);
        return null;
    }

    /// <summary>The window size, or null when the terminal reports none (0x0).</summary>
    public WindowSize? Size => Terminal.TryGetWindowSize(Fd, out var size) == 0 && !size.IsEmpty ? size : null;

    public void MakeRaw()
    {
        if (_raw || Terminal.TryGetAttributes(Fd, out _saved) < 0) return;
        int r = Terminal.TrySetAttributes(Fd, Terminal.MakeRaw(_saved));
        if (r < 0) throw new ContainerException($"unable to set the terminal to raw mode: {Errno.Message(-r)}");
        _raw = true;
    }

    public void Restore()
    {
        if (!_raw) return;
        Terminal.TrySetAttributes(Fd, _saved);
        _raw = false;
    }

    public void Dispose()
    {
        Restore();
        if (_opened) Posix.Close(Fd);
    }
}
