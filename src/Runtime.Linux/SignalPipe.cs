using System.Runtime.InteropServices;
using Runsharp.Linux.Native;

namespace Runsharp.Linux;

/// <summary>
/// Signals as bytes on a pipe, for a single-threaded poll(2) loop (the self-pipe trick).
///
/// Why a hand-made handler: a signal handler runs on whichever thread the kernel picks, in the middle of anything,
/// so it must be native code that touches no managed state. .NET's PosixSignalRegistration dispatches on threads
/// of its own, which the fork path forbids (see DESIGN.md). signalfd(2) would need the signals blocked in every
/// thread, the runtime's finalizer thread included, and the only way to run code there is a garbage collection
/// (measured: 3 to 6 ms on every foreground `run`). So the handler is the 23 bytes of x86-64 below, placed in a
/// page that is written, then made read+execute (never both): write(pipe, &amp;signo, 1).
///
/// The pipe and the code page live as long as the process: a handler already running on another thread when the
/// actions are restored must still find its pipe open (a closed and reused fd number would get the byte).
/// </summary>
public static unsafe class SignalPipe
{
    private const int SA_RESTART = 0x10000000;
    private static readonly nint Ignored = 1; // SIG_IGN

    private static int _readFd = -1, _writeFd = -1;
    private static nint _handler;
    private static readonly Dictionary<int, GlibcSigaction> Saved = new();

    /// <summary>The pipe's read end (non-blocking), or -1 before the first successful <see cref="TryInstall"/>.</summary>
    public static int ReadFd => _readFd;

    /// <summary>
    /// Catches <paramref name="signals"/> into the pipe. Signals the runtime was started with ignored stay ignored
    /// (nohup's SIGHUP, a background job's SIGINT): whoever started us did not want them acted on. Returns false,
    /// with the reason, when no handler can be made (a kernel or LSM that refuses executable anonymous memory).
    /// </summary>
    public static bool TryInstall(ReadOnlySpan<int> signals, out string? whyNot)
    {
        whyNot = null;
        if (_handler == 0 && !TryCreate(out whyNot)) return false;
        foreach (int signal in signals)
        {
            GlibcSigaction old;
            if (sigaction(signal, null, &old) != 0) continue;
            if (old.Handler == Ignored) continue;
            var act = new GlibcSigaction { Handler = _handler, Flags = SA_RESTART };
            if (sigaction(signal, &act, null) == 0) Saved[signal] = old;
        }
        return true;
    }

    /// <summary>Puts back the actions <see cref="TryInstall"/> replaced, then drops the bytes still queued.</summary>
    public static void Restore()
    {
        foreach (var (signal, old) in Saved)
        {
            var o = old;
            sigaction(signal, &o, null);
        }
        Saved.Clear();
        Span<int> dropped = stackalloc int[64];
        while (_readFd >= 0 && Read(dropped) > 0) { }
    }

    /// <summary>The signals caught since the last read, oldest first; 0 when none are queued.</summary>
    public static int Read(Span<int> signals)
    {
        byte* buffer = stackalloc byte[64];
        long n;
        do { n = RawSyscall.Invoke(Sys.read, _readFd, (long)buffer, Math.Min(signals.Length, 64)); } while (n == -Errno.EINTR);
        if (n <= 0) return 0;
        for (int i = 0; i < n; i++) signals[i] = buffer[i];
        return (int)n;
    }

    private static bool TryCreate(out string? whyNot)
    {
        whyNot = null;
        int* fds = stackalloc int[2];
        long r = RawSyscall.Invoke(Sys.pipe2, (long)fds, Flags.O_CLOEXEC | Flags.O_NONBLOCK);
        if (r < 0) { whyNot = $"pipe2: {Errno.Message((int)-r)}"; return false; }
        long page = RawSyscall.Invoke(Sys.mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (page < 0) { whyNot = $"mmap: {Errno.Message((int)-page)}"; Close(fds); return false; }
        HandlerCode(fds[1]).CopyTo(new Span<byte>((void*)page, 4096));
        r = RawSyscall.Invoke(Sys.mprotect, page, 4096, PROT_READ | PROT_EXEC);
        if (r < 0)
        {
            whyNot = $"mprotect PROT_EXEC: {Errno.Message((int)-r)}";
            RawSyscall.Invoke(Sys.munmap, page, 4096);
            Close(fds);
            return false;
        }
        (_readFd, _writeFd, _handler) = (fds[0], fds[1], (nint)page);
        return true;
    }

    /// <summary>void handler(int signo): write(<paramref name="pipeFd"/>, &amp;signo, 1). The syscall clobbers only
    /// rax, rcx and r11 (scratch registers; the kernel restores everything at sigreturn anyway), and a full pipe
    /// (non-blocking) loses the byte rather than blocking a thread.</summary>
    public static byte[] HandlerCode(int pipeFd)
    {
        byte[] code =
        [
            0x57,                               // push rdi            ; signo onto the stack
            0xB8, 0x01, 0x00, 0x00, 0x00,       // mov  eax, 1         ; SYS_write
            0xBF, 0, 0, 0, 0,                   // mov  edi, pipeFd
            0x48, 0x89, 0xE6,                   // mov  rsi, rsp       ; its low byte (little-endian)
            0xBA, 0x01, 0x00, 0x00, 0x00,       // mov  edx, 1
            0x0F, 0x05,                         // syscall
            0x5F,                               // pop  rdi
            0xC3,                               // ret
        ];
        BitConverter.TryWriteBytes(code.AsSpan(7), pipeFd);
        return code;
    }

    private static void Close(int* fds)
    {
        RawSyscall.Invoke(Sys.close, fds[0]);
        RawSyscall.Invoke(Sys.close, fds[1]);
    }

    private const int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;

    /// <summary>glibc's struct sigaction on x86-64 (its sigaction() adds SA_RESTORER and its own restorer).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct GlibcSigaction
    {
        public nint Handler;
        public fixed ulong Mask[16];
        public int Flags;
        public nint Restorer;
    }

    [DllImport("libc", EntryPoint = "sigaction")]
    private static extern int sigaction(int signal, GlibcSigaction* act, GlibcSigaction* old);
}
