using Runsharp.Cli.CommandLine;

namespace Runsharp.Cli.Tests.CommandLine;

public class GoValueParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("42", 42)]
    [InlineData("-7", -7)]
    [InlineData("+7", 7)]
    [InlineData("0x1F", 31)]
    [InlineData("0X1f", 31)]
    [InlineData("0o17", 15)]
    [InlineData("017", 15)]
    [InlineData("0b101", 5)]
    [InlineData("1_000", 1000)]
    [InlineData("0x_ff", 255)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Integers(string text, long expected)
    {
        Assert.True(GoValueParser.TryParseInt64(text, out long value, out _));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("x", false)]
    [InlineData("08", false)]
    [InlineData("1__0", false)]
    [InlineData("10_", false)]
    [InlineData("0x", false)]
    [InlineData(" 1", false)]
    [InlineData("9223372036854775808", true)]
    public void BadIntegers(string text, bool outOfRange)
    {
        Assert.False(GoValueParser.TryParseInt64(text, out _, out bool range));
        Assert.Equal(outOfRange, range);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("5s", 5_000_000_000)]
    [InlineData("1h30m", 5_400_000_000_000)]
    [InlineData("1.5h", 5_400_000_000_000)]
    [InlineData("300ms", 300_000_000)]
    [InlineData("-1.5s", -1_500_000_000)]
    [InlineData("+2m", 120_000_000_000)]
    [InlineData("10us", 10_000)]
    [InlineData("10\u00b5s", 10_000)]
    [InlineData("1h2m3s4ms5us600ns", 3_723_004_005_600)]
    [InlineData(".5s", 500_000_000)]
    [InlineData("1.s", 1_000_000_000)]
    public void Durations(string text, long nanoseconds)
    {
        Assert.True(GoValueParser.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(nanoseconds / 100), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("1.5")]
    [InlineData(".s")]
    [InlineData("-")]
    [InlineData("5s ")]
    [InlineData("3000000h")]
    public void BadDurations(string text)
    {
        Assert.False(GoValueParser.TryParseDuration(text, out _));
    }

    [Theory]
    [InlineData("1", true)] [InlineData("t", true)] [InlineData("T", true)] [InlineData("TRUE", true)]
    [InlineData("true", true)] [InlineData("True", true)]
    [InlineData("0", false)] [InlineData("f", false)] [InlineData("F", false)] [InlineData("FALSE", false)]
    [InlineData("false", false)] [InlineData("False", false)]
    public void Bools(string text, bool expected)
    {
        Assert.True(GoValueParser.TryParseBool(text, out bool value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("yes")] [InlineData("tRUE")] [InlineData("")] [InlineData("2")]
    public void BadBools(string text) => Assert.False(GoValueParser.TryParseBool(text, out _));
}
