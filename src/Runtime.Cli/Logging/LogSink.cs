namespace Runsharp.Cli.Logging;

/// <summary>Where formatted log lines go. Writes are synchronous and unbuffered: nothing to flush later.</summary>
public interface ILogSink : IDisposable
{
    void Write(ReadOnlySpan<byte> line);

    /// <summary>True when a human is reading (a TTY): use the short coloured text form.</summary>
    bool IsTerminal { get; }
}

/// <summary>A raw file descriptor written with write(2), retrying on EINTR and short writes.</summary>
public sealed class FileDescriptorSink : ILogSink
{
    private int _fd;
    private readonly bool _owned;

    private FileDescriptorSink(int fd, bool owned)
    {
        _fd = fd;
        _owned = owned;
        IsTerminal = LogNative.IsATty(fd) == 1;
    }

    public static FileDescriptorSink StandardError { get; } = new(2, owned: false);

    public bool IsTerminal { get; }

    /// <summary>Opens a --log file like runc: O_WRONLY|O_CREAT|O_APPEND|O_SYNC (plus O_CLOEXEC), mode 0644.</summary>
    /// <exception cref="IOException">"open PATH: reason", in Go's wording.</exception>
    public static FileDescriptorSink OpenAppend(string path)
    {
        int fd = LogNative.Open(path, LogNative.O_WRONLY | LogNative.O_CREAT | LogNative.O_APPEND | LogNative.O_SYNC | LogNative.O_CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0)
            throw new IOException($"open {path}: {LogNative.ErrnoText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        return new FileDescriptorSink(fd, owned: true);
    }

    public unsafe void Write(ReadOnlySpan<byte> line)
    {
        if (_fd < 0) return;
        fixed (byte* start = line)
        {
            int done = 0;
            while (done < line.Length)
            {
                nint n = LogNative.Write(_fd, start + done, line.Length - done);
                if (n < 0)
                {
                    if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == LogNative.EINTR) continue;
                    return; // nowhere left to report a failing log write
                }
                done += (int)n;
            }
        }
    }

    public void Dispose()
    {
        if (_owned && _fd >= 0) LogNative.Close(_fd);
        _fd = -1;
    }
}

/// <summary>A stream sink, for tests and for callers that already hold a Stream.</summary>
public sealed class StreamLogSink(Stream stream, bool isTerminal = false) : ILogSink
{
    public bool IsTerminal { get; } = isTerminal;

    public void Write(ReadOnlySpan<byte> line)
    {
        stream.Write(line);
        stream.Flush();
    }

    public void Dispose() => stream.Dispose();
}
