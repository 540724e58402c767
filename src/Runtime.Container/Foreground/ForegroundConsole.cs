using Runsharp.Container.Exec;
using Runsharp.Linux;
using Runsharp.Spec;

namespace Runsharp.Container.Foreground;

/// <summary>
/// A tty the runtime relays itself: `run` or `exec` in the foreground with process.terminal and no
/// --console-socket. The child sends the pty master on a private socketpair, exactly as it would to a caller's
/// console socket; the runtime keeps it and relays it to its own stdio (<see cref="ForegroundWait"/>).
/// </summary>
public sealed class ForegroundConsole : IDisposable
{
    private int _parentEnd;
    private int _childEnd;

    /// <summary>The pty master, once received (-1 before).</summary>
    public int Master { get; private set; } = -1;

    /// <summary>The terminal the runtime runs on, or null.</summary>
    public HostTerminal? Host { get; }

    private ForegroundConsole(int parentEnd, int childEnd, HostTerminal? host)
    {
        _parentEnd = parentEnd;
        _childEnd = childEnd;
        Host = host;
    }

    public static ForegroundConsole Open()
    {
        var (parent, child) = UnixSocket.Pair("unable to create the console socket pair");
        return new ForegroundConsole(parent, child, HostTerminal.Find());
    }

    /// <summary>What the plan's console step gets: our socket, the host terminal's size (else the spec's), and
    /// ONLCR off (the host terminal adds the "\r"; a pipe or file should get the bytes as written).</summary>
    public ConsoleRequest Request(Box? specSize) =>
        new(_childEnd, Host?.Size is { } s ? new Box { Height = s.Rows, Width = s.Columns } : specSize, Relayed: true);

    /// <summary>After the fork: the child holds its end; ours must go, so that a child that dies reads as EOF.</summary>
    public void ChildForked()
    {
        Posix.Close(_childEnd);
        _childEnd = -1;
    }

    /// <summary>Takes the master off the socket. The child sent it before it reported ready, so it is queued.</summary>
    public void ReceiveMaster()
    {
        int fd = UnixSocket.TryReceiveFd(_parentEnd, dontWait: true);
        if (fd < 0) throw new ContainerException($"unable to receive the container's pty master: {Errno.Message(-fd)}");
        Master = fd;
        Posix.Close(_parentEnd);
        _parentEnd = -1;
    }

    /// <summary>Gives the container's pty the host terminal's current size (SIGWINCH).</summary>
    public void Resize()
    {
        if (Master >= 0 && Host?.Size is { } size) Terminal.TrySetWindowSize(Master, size);
    }

    public void Dispose()
    {
        Host?.Dispose();
        Posix.Close(_parentEnd);
        Posix.Close(_childEnd);
        Posix.Close(Master);
        _parentEnd = _childEnd = Master = -1;
    }
}
