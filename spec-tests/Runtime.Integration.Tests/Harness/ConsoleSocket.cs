using System.Net.Sockets;

namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// A console socket as a shim keeps one: it listens, and takes the runtime's one message (the pty master, SCM_RIGHTS).
/// A runtime whose create fails may have connected already: <see cref="Drain"/> accepts and drops such connections, so
/// the backlog never fills. (A full backlog blocks the next runtime in connect(2): a test that does not drain hangs
/// `create` there, in runc as in runsharp.)
/// </summary>
public sealed class ConsoleSocket : IDisposable
{
    public string Path { get; }
    private readonly Socket _listener;

    public ConsoleSocket(string path)
    {
        Path = path;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(4);
    }

    /// <summary>Accepts the runtime's connection and receives its one message.</summary>
    public (List<int> Fds, byte[] Payload, int CmsgCount, int Flags) Receive(TimeSpan timeout)
    {
        Assert.True(_listener.Poll(timeout, SelectMode.SelectRead), "the runtime never connected to the console socket");
        using var conn = _listener.Accept();
        conn.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        return Native.RecvFds((int)conn.Handle);
    }

    /// <summary>Accepts every queued connection and closes whatever fds came with it; returns how many fds that was.</summary>
    public int Drain()
    {
        int fds = 0;
        while (_listener.Poll(TimeSpan.Zero, SelectMode.SelectRead))
        {
            using var conn = _listener.Accept();
            conn.ReceiveTimeout = 5000;
            foreach (var fd in Native.RecvFds((int)conn.Handle).Fds) { Native.close(fd); fds++; }
        }
        return fds;
    }

    public void Dispose()
    {
        Drain();
        _listener.Dispose();
        try { File.Delete(Path); } catch (IOException) { }
    }
}
