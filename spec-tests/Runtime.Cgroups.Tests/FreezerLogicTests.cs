using Runsharp.Cgroups.V1;
using Runsharp.Cgroups.V2;

namespace Runsharp.Cgroups.Tests;

/// <summary>The freezers' retry and wait logic against a scripted kernel (see <see cref="ScriptedControlFiles"/>).</summary>
public class FreezerLogicTests
{
    [Fact]
    public void V1_freeze_retries_while_FREEZING_and_stops_at_FROZEN()
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", "FREEZING", "FREEZING", "FROZEN");
        new V1Freezer(f).Freeze();
        Assert.Equal(["FROZEN", "FROZEN", "FROZEN"], f.WritesTo("freezer.state"));
    }

    [Fact]
    public void V1_freeze_stuck_in_FREEZING_gives_up_thawed_with_periodic_thaws_on_the_way()
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", "FREEZING");
        var e = Assert.Throws<CgroupException>(() => new V1Freezer(f).Freeze());
        Assert.Contains("stayed FREEZING", e.Message);
        var writes = f.WritesTo("freezer.state").ToList();
        Assert.Equal(V1Freezer.FreezeAttempts, writes.Count(w => w == "FROZEN"));
        // A thaw every 50 attempts, and the last word is THAWED: never leave the cgroup half frozen.
        Assert.Equal(V1Freezer.FreezeAttempts / 50 + 1, writes.Count(w => w == "THAWED"));
        Assert.Equal("THAWED", writes[^1]);
        Assert.True(f.SleptMs > 0);
    }

    [Fact]
    public void V1_freeze_with_an_unexpected_state_fails_and_thaws_back()
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", "THAWED");
        var e = Assert.Throws<CgroupException>(() => new V1Freezer(f).Freeze());
        Assert.Contains("unexpected freezer.state 'THAWED'", e.Message);
        Assert.Equal(["FROZEN", "THAWED"], f.WritesTo("freezer.state"));
    }

    [Fact]
    public void V1_freeze_without_freezer_state_fails_clearly()
    {
        var e = Assert.Throws<CgroupException>(() => new V1Freezer(new ScriptedControlFiles()).Freeze());
        Assert.Contains("no freezer.state in /fake/cg", e.Message);
    }

    [Theory]
    [InlineData("THAWED", null, FreezerState.Thawed)]
    [InlineData("FROZEN", "1", FreezerState.Frozen)]
    [InlineData("FROZEN", "0", FreezerState.Thawed)] // frozen by an ancestor: not this container's pause
    [InlineData("FROZEN", null, FreezerState.Frozen)] // a kernel without self_freezing
    public void V1_state_reads_freezer_state_and_self_freezing(string state, string? self, FreezerState expected)
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", state).Answer("freezer.self_freezing", self);
        Assert.Equal(expected, new V1Freezer(f).State());
    }

    [Fact]
    public void V1_state_waits_out_FREEZING()
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", "FREEZING", "FREEZING", "FROZEN").Answer("freezer.self_freezing", "1");
        Assert.Equal(FreezerState.Frozen, new V1Freezer(f).State());
        Assert.Equal(2, f.SleptMs);
    }

    [Fact]
    public void V1_state_of_a_cgroup_stuck_in_FREEZING_is_decided_by_self_freezing()
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", "FREEZING").Answer("freezer.self_freezing", "1");
        Assert.Equal(FreezerState.Frozen, new V1Freezer(f).State());
        Assert.Equal(V1Freezer.SettlePolls, f.SleptMs);
    }

    [Fact]
    public void V1_state_without_a_freezer_is_undefined_and_garbage_is_an_error()
    {
        Assert.Equal(FreezerState.Undefined, new V1Freezer(new ScriptedControlFiles()).State());
        var f = new ScriptedControlFiles().Answer("freezer.state", "MELTED");
        Assert.Contains("unknown freezer.state 'MELTED'", Assert.Throws<CgroupException>(() => new V1Freezer(f).State()).Message);
    }

    [Fact]
    public void V1_thaw_writes_THAWED_and_waits_until_the_cgroup_says_so()
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", "FROZEN", "FROZEN", "THAWED").Answer("freezer.self_freezing", "1");
        new V1Freezer(f).Thaw();
        Assert.Equal(["THAWED"], f.WritesTo("freezer.state"));
        Assert.Equal(2, f.SleptMs);
    }

    [Fact]
    public void V1_thaw_that_never_shows_fails()
    {
        var f = new ScriptedControlFiles().Answer("freezer.state", "FROZEN").Answer("freezer.self_freezing", "1");
        Assert.Contains("still FROZEN", Assert.Throws<CgroupException>(() => new V1Freezer(f).Thaw()).Message);
    }

    [Fact]
    public void V2_freeze_writes_1_and_waits_for_frozen_1_in_cgroup_events()
    {
        var f = new ScriptedControlFiles().Answer("cgroup.freeze", "0")
            .Answer("cgroup.events", "populated 1\nfrozen 0", "populated 1\nfrozen 0", "populated 1\nfrozen 1");
        new V2Freezer(f).Freeze();
        Assert.Equal(["1"], f.WritesTo("cgroup.freeze"));
        Assert.Equal(2, f.SleptMs);
    }

    [Fact]
    public void V2_freeze_that_never_completes_times_out_and_thaws_back()
    {
        var f = new ScriptedControlFiles().Answer("cgroup.freeze", "0").Answer("cgroup.events", "populated 1\nfrozen 0");
        var e = Assert.Throws<CgroupException>(() => new V2Freezer(f).Freeze());
        Assert.Contains("timeout waiting for /fake/cg to freeze", e.Message);
        Assert.Equal(["1", "0"], f.WritesTo("cgroup.freeze"));
        Assert.True(f.SleptMs >= 9000, $"waited only {f.SleptMs} ms");
    }

    [Fact]
    public void V2_without_cgroup_freeze_cannot_freeze_but_thaw_is_a_no_op()
    {
        var f = new ScriptedControlFiles();
        Assert.Contains("freezer not supported", Assert.Throws<CgroupException>(() => new V2Freezer(f).Freeze()).Message);
        new V2Freezer(f).Thaw();
        Assert.Empty(f.Writes);
        Assert.Equal(FreezerState.Undefined, new V2Freezer(f).State());
    }

    [Fact]
    public void V2_thaw_waits_for_frozen_0()
    {
        var f = new ScriptedControlFiles().Answer("cgroup.freeze", "1").Answer("cgroup.events", "populated 1\nfrozen 1", "populated 1\nfrozen 0");
        new V2Freezer(f).Thaw();
        Assert.Equal(["0"], f.WritesTo("cgroup.freeze"));
    }

    [Theory]
    [InlineData("0", FreezerState.Thawed)]
    [InlineData("1", FreezerState.Frozen)]
    public void V2_state_is_cgroup_freeze(string value, FreezerState expected) =>
        Assert.Equal(expected, new V2Freezer(new ScriptedControlFiles().Answer("cgroup.freeze", value)).State());

    [Fact]
    public void V2_events_field_parsing()
    {
        Assert.Equal("1", V2Freezer.Field("populated 0\nfrozen 1\n", "frozen"));
        Assert.Null(V2Freezer.Field("populated 0\n", "frozen"));
    }
}
