using Runsharp.Linux.Native;

namespace Runsharp.Linux;

/// <summary>The kernel's struct termios (what TCGETS/TCSETS carry), 36 bytes.</summary>
public unsafe struct Termios
{
    public uint Iflag, Oflag, Cflag, Lflag;
    public byte Line;
    public fixed byte Cc[19];
}

/// <summary>A terminal's size in character cells (struct winsize without the pixel fields).</summary>
public readonly record struct WindowSize(ushort Rows, ushort Columns)
{
    public bool IsEmpty => Rows == 0 || Columns == 0;
}

/// <summary>Terminal ioctls on an fd: attributes, raw mode, window size. Every call returns -errno or 0.</summary>
public static unsafe class Terminal
{
    // c_iflag, c_oflag, c_cflag, c_lflag bits and c_cc indexes (asm-generic/termbits.h).
    private const uint IGNBRK = 0x1, BRKINT = 0x2, PARMRK = 0x8, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80,
        ICRNL = 0x100, IXON = 0x400, CSIZE = 0x30, CS8 = 0x30, PARENB = 0x100,
        ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;
    private const int VTIME = 5, VMIN = 6;

    /// <summary>True if <paramref name="fd"/> is a terminal (TCGETS works on it, as isatty(3) asks).</summary>
    public static bool IsTerminal(int fd) => TryGetAttributes(fd, out _) == 0;

    public static int TryGetAttributes(int fd, out Termios termios)
    {
        Termios t = default;
        long r = RawSyscall.Invoke(Sys.ioctl, fd, Flags.TCGETS, (long)&t);
        termios = t;
        return (int)Math.Min(r, 0);
    }

    public static int TrySetAttributes(int fd, in Termios termios)
    {
        Termios t = termios;
        long r;
        do { r = RawSyscall.Invoke(Sys.ioctl, fd, Flags.TCSETS, (long)&t); } while (r == -Errno.EINTR);
        return (int)Math.Min(r, 0);
    }

    /// <summary>
    /// Raw input the way runc sets the terminal it runs on: no echo, no line editing, no signal keys, no flow
    /// control, 8-bit characters, one byte at a time. Output processing (OPOST, ONLCR) is left on, so the
    /// container's "\n" still reaches the screen as "\r\n" (the container's own pty does not add the "\r").
    /// </summary>
    public static Termios MakeRaw(Termios t)
    {
        t.Iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        t.Lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        t.Cflag &= ~(CSIZE | PARENB);
        t.Cflag |= CS8;
        t.Cc[VMIN] = 1;
        t.Cc[VTIME] = 0;
        return t;
    }

    public static int TryGetWindowSize(int fd, out WindowSize size)
    {
        ushort* ws = stackalloc ushort[4];
        long r = RawSyscall.Invoke(Sys.ioctl, fd, Flags.TIOCGWINSZ, (long)ws);
        size = r < 0 ? default : new WindowSize(ws[0], ws[1]);
        return (int)Math.Min(r, 0);
    }

    public static int TrySetWindowSize(int fd, WindowSize size)
    {
        ushort* ws = stackalloc ushort[4];
        ws[0] = size.Rows;
        ws[1] = size.Columns;
        ws[2] = ws[3] = 0;
        return (int)Math.Min(RawSyscall.Invoke(Sys.ioctl, fd, Flags.TIOCSWINSZ, (long)ws), 0);
    }
}
