using System.Runtime.InteropServices;
using Runsharp.Linux;

namespace Runsharp.Container.Tests;

/// <summary>The hand-made signal handler behind foreground signal forwarding, run for real in this process.</summary>
public unsafe class SignalPipeTests
{
    private const int SIGPWR = 30, SIGXFSZ = 25;

    [DllImport("libc")] private static extern int kill(int pid, int sig);
    [DllImport("libc")] private static extern int getpid();
    [DllImport("libc")] private static extern nint signal(int sig, nint handler);

    [Fact]
    public void HandlerCode_WritesTheSignalNumberToTheGivenFd()
    {
        var code = SignalPipe.HandlerCode(0x01020304);
        Assert.Equal(23, code.Length);
        Assert.Equal(new byte[] { 0x04, 0x03, 0x02, 0x01 }, code[7..11]); // mov edi, imm32
        Assert.Equal(0xC3, code[^1]);
    }

    [Fact]
    public void ACaughtSignal_ArrivesAsItsNumberOnThePipe_AndTheOldActionComesBack()
    {
        // SIGPWR: nothing in a test host uses it. Whichever thread of this (multi-threaded) process takes it,
        // the handler only writes one byte.
        nint before = signal(SIGPWR, 0);
        Assert.True(SignalPipe.TryInstall([SIGPWR], out var whyNot), whyNot);
        try
        {
            Assert.Equal(0, kill(getpid(), SIGPWR));
            Span<int> got = stackalloc int[8];
            int n = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (n == 0 && DateTime.UtcNow < deadline) { n = SignalPipe.Read(got); if (n == 0) Thread.Sleep(5); }
            Assert.Equal(1, n);
            Assert.Equal(SIGPWR, got[0]);
        }
        finally
        {
            SignalPipe.Restore();
        }
        Assert.Equal(0, signal(SIGPWR, before)); // SIG_DFL again: the restore put it back
    }

    [Fact]
    public void AnIgnoredSignal_StaysIgnored()
    {
        nint before = signal(SIGXFSZ, 1 /* SIG_IGN */);
        try
        {
            Assert.True(SignalPipe.TryInstall([SIGXFSZ], out var whyNot), whyNot);
            Assert.Equal(1, signal(SIGXFSZ, 1)); // still SIG_IGN: not replaced by the handler
            Assert.Equal(0, kill(getpid(), SIGXFSZ));
            Thread.Sleep(50);
            Span<int> got = stackalloc int[8];
            Assert.Equal(0, SignalPipe.Read(got));
        }
        finally
        {
            SignalPipe.Restore();
            signal(SIGXFSZ, before);
        }
    }
}
