using Runsharp.Cli.Commands;
using Runsharp.Cli.CommandLine;
using Runsharp.Container;
using static Runsharp.Cli.Tests.CommandLine.ParseHelpers;

namespace Runsharp.Cli.Tests.CommandLine;

/// <summary>`update` flag values as runc 1.1 reads them (strconv and docker/go-units), with its error wording.</summary>
public class UpdateFlagsTests
{
    [Theory]
    [InlineData("512m", 512L << 20)]
    [InlineData("512M", 512L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("1KiB", 1024L)]
    [InlineData("2kb", 2048L)]
    [InlineData("100 m", 100L << 20)]
    [InlineData("100", 100L)]
    [InlineData("7b", 7L)]
    [InlineData("1.5", 1L)]
    [InlineData("0", 0L)]
    [InlineData("8p", 8L << 50)]
    public void Sizes_parse_like_go_units(string text, long bytes)
    {
        Assert.True(GoNumbers.TryParseRamSize(text, out var v, out var error), error);
        Assert.Equal(bytes, v);
    }

    [Theory]
    [InlineData("abc", "invalid size: 'abc'")]
    [InlineData("-5", "invalid size: '-5'")]
    [InlineData("", "invalid size: ''")]
    [InlineData("1.2.3", "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax")]
    [InlineData("5x", "invalid size: '5x'")]
    [InlineData("1  m", "invalid size: '1  m'")]
    [InlineData("9999p", "larger than")]
    public void Bad_sizes_say_why(string text, string error)
    {
        Assert.False(GoNumbers.TryParseRamSize(text, out _, out var message));
        Assert.Contains(error, message);
    }

    [Theory]
    [InlineData("abc", "strconv.ParseUint: parsing \"abc\": invalid syntax")]
    [InlineData("-1", "strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [InlineData("+1", "strconv.ParseUint: parsing \"+1\": invalid syntax")]
    [InlineData("99999999999999999999", "strconv.ParseUint: parsing \"99999999999999999999\": value out of range")]
    public void Unsigned_values_reject_like_strconv(string text, string error)
    {
        Assert.False(GoNumbers.TryParseUInt64(text, out _, out var message));
        Assert.Equal(error, message);
    }

    [Theory]
    [InlineData("-1", -1L)]
    [InlineData("+20000", 20000L)]
    [InlineData("0", 0L)]
    public void Signed_values_take_a_sign(string text, long value)
    {
        Assert.True(GoNumbers.TryParseInt64(text, out var v, out _));
        Assert.Equal(value, v);
    }

    [Fact]
    public void Flags_fill_the_request_and_unset_ones_stay_unset()
    {
        var r = UpdateRequest.FromFlags(Run("update --memory 512m --memory-swap -1 --cpu-quota -1 --cpu-share 512 --cpuset-cpus 0-1 --pids-limit 50 --blkio-weight 300 ID"));
        Assert.Equal(512L << 20, r.Memory!.Limit);
        Assert.Equal(-1, r.Memory.Swap);
        Assert.Null(r.Memory.Reservation);
        Assert.Equal(-1, r.Cpu!.Quota);
        Assert.Equal(512UL, r.Cpu.Shares);
        Assert.Null(r.Cpu.Period);
        Assert.Equal("0-1", r.Cpu.Cpus);
        Assert.Null(r.Cpu.Mems);
        Assert.Equal(50, r.Pids!.Limit);
        Assert.Equal((ushort)300, r.BlockIO!.Weight);
    }

    [Fact]
    public void No_flags_is_a_request_for_nothing()
    {
        var r = UpdateRequest.FromFlags(Run("update ID"));
        Assert.Null(r.BlockIO);
        Assert.Equal(0, r.Pids!.Limit);
        Assert.Null(r.Memory!.Limit);
        Assert.Null(r.Cpu!.Shares);
    }

    [Theory]
    [InlineData("update --memory abc ID", "invalid value for memory: invalid size: 'abc'")]
    [InlineData("update --memory-reservation 1x ID", "invalid value for memory-reservation: invalid size: '1x'")]
    [InlineData("update --kernel-memory-tcp q ID", "invalid value for kernel-memory-tcp: invalid size: 'q'")]
    [InlineData("update --cpu-period abc ID", "invalid value for cpu-period: strconv.ParseUint: parsing \"abc\": invalid syntax")]
    [InlineData("update --cpu-rt-period -5 ID", "invalid value for cpu-rt-period: strconv.ParseUint: parsing \"-5\": invalid syntax")]
    [InlineData("update --cpu-quota 1.5 ID", "invalid value for cpu-quota: strconv.ParseInt: parsing \"1.5\": invalid syntax")]
    [InlineData("update --cpu-rt-runtime x ID", "invalid value for cpu-rt-runtime: strconv.ParseInt: parsing \"x\": invalid syntax")]
    [InlineData("update --cpu-share -1 ID", "invalid value for cpu-share: strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [InlineData("update --blkio-weight 70000 ID", "invalid value for blkio-weight: 70000 is out of range")]
    public void Bad_values_name_the_flag(string argv, string message)
    {
        var e = Assert.Throws<ContainerException>(() => UpdateRequest.FromFlags(Run(argv)));
        Assert.StartsWith(message, e.Message);
    }

    [Theory]
    [InlineData("update --pids-limit x ID", "invalid value \"x\" for flag -pids-limit: parse error")]
    [InlineData("update --blkio-weight abc ID", "invalid value \"abc\" for flag -blkio-weight: parse error")]
    public void Integer_flags_fail_in_the_parser_like_urfave(string argv, string message) =>
        Assert.Equal(message, Error(argv).ErrorMessage);

    [Fact]
    public void A_resources_file_names_the_field_and_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "runsharp-res-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            File.WriteAllText(path, """{"memory":{"limit":"x"}}""");
            var e = Assert.Throws<ContainerException>(() => UpdateRequest.FromFile(path));
            Assert.Equal($"invalid resources in {path}: memory.limit: expected a number, got a string", e.Message);

            File.WriteAllText(path, """{"pids":{"limit":77},"cpu":{"cpus":"0"}}""");
            var r = UpdateRequest.FromFile(path);
            Assert.Equal(77, r.Pids!.Limit);
            Assert.Equal("0", r.Cpu!.Cpus);
        }
        finally
        {
            File.Delete(path);
        }
        var missing = Assert.Throws<ContainerException>(() => UpdateRequest.FromFile(path));
        Assert.Contains("no such file or directory", Runsharp.Cli.Logging.ErrorText.Describe(missing));
    }

    [Fact]
    public void Intel_rdt_without_resctrl_fails_as_runc_does()
    {
        if (Directory.Exists("/sys/fs/resctrl/info/L3")) return; // a host with RDT: the message differs
        Assert.Equal("Intel RDT/CAT: l3 cache schema is not enabled",
            Assert.Throws<ContainerException>(() => IntelRdt.Refuse("L3:0=f", null)).Message);
        Assert.Equal("Intel RDT/MBA: memory bandwidth schema is not enabled",
            Assert.Throws<ContainerException>(() => IntelRdt.Refuse(null, "MB:0=50")).Message);
        IntelRdt.Refuse(null, null);
    }
}
