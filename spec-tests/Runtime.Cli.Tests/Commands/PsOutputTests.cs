using Runsharp.Cli.Commands;
using Runsharp.Container;

namespace Runsharp.Cli.Tests.Commands;

/// <summary>`ps` output: runc's JSON (Go's encoding of []int) and its filter over the host's ps table.</summary>
public class PsOutputTests
{
    const string PsEf = """
        UID          PID    PPID  C STIME TTY          TIME CMD
        root           1       0  0 10:00 ?        00:00:01 /sbin/init
        root         812       1  0 10:01 ?        00:00:00 sh -c sleep 100 & wait
        root         813     812  0 10:01 ?        00:00:00 sleep 100
        root         900       1  0 10:02 ?        00:00:00 bash

        """;

    [Fact]
    public void Json_is_a_compact_array_or_null_when_empty()
    {
        Assert.Equal("[812,813]\n", PsCommand.Json([812, 813]));
        Assert.Equal("[1]\n", PsCommand.Json([1]));
        Assert.Equal("null\n", PsCommand.Json([]));
    }

    [Fact]
    public void Table_keeps_the_header_and_the_containers_lines_in_ps_order()
    {
        var table = PsCommand.FilterTable(PsEf.Replace("\r", ""), [813, 812]);
        var lines = table.Split('\n');
        Assert.Equal(4, lines.Length); // header, two processes, the final newline
        Assert.StartsWith("UID          PID", lines[0]);
        Assert.Contains("sh -c sleep 100 & wait", lines[1]);
        Assert.EndsWith("sleep 100", lines[2]);
        Assert.Equal("", lines[3]);
    }

    [Fact]
    public void Table_finds_the_PID_column_wherever_it_is()
    {
        var output = "  PID COMMAND\n  812 sh\n  813 sleep\n  999 other\n";
        Assert.Equal("  PID COMMAND\n  813 sleep\n", PsCommand.FilterTable(output, [813]));
        // PPID is not PID: the column must be named exactly PID.
        var ppidFirst = "PPID   PID CMD\n   1   812 sh\n 812     1 init\n";
        Assert.Equal("PPID   PID CMD\n   1   812 sh\n", PsCommand.FilterTable(ppidFirst, [812]));
    }

    [Fact]
    public void Table_with_no_pids_is_the_header_alone()
    {
        Assert.Equal(PsEf.Replace("\r", "").Split('\n')[0] + "\n", PsCommand.FilterTable(PsEf.Replace("\r", ""), []));
    }

    [Fact]
    public void Table_without_a_PID_column_or_with_a_bad_pid_fails_as_runc_does()
    {
        var e = Assert.Throws<ContainerException>(() => PsCommand.FilterTable("COMMAND\nsh\n", [1]));
        Assert.Equal("couldn't find PID field in ps output", e.Message);
        e = Assert.Throws<ContainerException>(() => PsCommand.FilterTable("PID CMD\nabc sh\n", [1]));
        Assert.StartsWith("unable to parse pid", e.Message);
        Assert.Throws<ContainerException>(() => PsCommand.FilterTable("", [1]));
    }
}
