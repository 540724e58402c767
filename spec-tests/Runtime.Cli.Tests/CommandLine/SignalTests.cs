using Runsharp.Cli.CommandLine;

namespace Runsharp.Cli.Tests.CommandLine;

public class SignalTests
{
    [Theory]
    [InlineData("9", 9)]
    [InlineData("15", 15)]
    [InlineData("0", 0)]
    [InlineData("KILL", 9)]
    [InlineData("SIGKILL", 9)]
    [InlineData("kill", 9)]
    [InlineData("sigterm", 15)]
    [InlineData("SigTerm", 15)]
    [InlineData("TERM", 15)]
    [InlineData("HUP", 1)]
    [InlineData("INT", 2)]
    [InlineData("QUIT", 3)]
    [InlineData("USR1", 10)]
    [InlineData("USR2", 12)]
    [InlineData("STOP", 19)]
    [InlineData("CONT", 18)]
    [InlineData("WINCH", 28)]
    [InlineData("IOT", 6)]
    [InlineData("CLD", 17)]
    [InlineData("POLL", 29)]
    [InlineData("PWR", 30)]
    [InlineData("SYS", 31)]
    [InlineData("STKFLT", 16)]
    [InlineData("RTMIN", 34)]
    [InlineData("SIGRTMIN", 34)]
    [InlineData("RTMIN+1", 35)]
    [InlineData("sigrtmin+30", 64)]
    [InlineData("RTMAX", 64)]
    [InlineData("SIGRTMAX-2", 62)]
    [InlineData("64", 64)]
    public void Parses(string text, int expected)
    {
        Assert.Equal(expected, Signals.Parse(text));
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("SIGFOO")]
    [InlineData("")]
    [InlineData("65")]
    [InlineData("-1")]
    [InlineData("RTMIN+31")]
    [InlineData("RTMAX-31")]
    [InlineData("RTMIN+")]
    [InlineData("9x")]
    public void RejectsWithRuncWording(string text)
    {
        var e = Assert.Throws<FormatException>(() => Signals.Parse(text));
        Assert.Equal($"unknown signal \"{text}\"", e.Message);
    }

    [Theory]
    [InlineData(9, "SIGKILL")]
    [InlineData(6, "SIGABRT")]
    [InlineData(17, "SIGCHLD")]
    [InlineData(34, "SIGRTMIN")]
    [InlineData(37, "SIGRTMIN+3")]
    [InlineData(64, "SIGRTMAX")]
    public void Names(int signal, string name)
    {
        Assert.Equal(name, Signals.NameOf(signal));
        Assert.Equal(signal, Signals.Parse(name));
    }
}
