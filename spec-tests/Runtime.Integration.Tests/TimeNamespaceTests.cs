namespace Runtime.Integration.Tests;

/// <summary>The time namespace and linux.timeOffsets: the container's monotonic and boot clocks are shifted.</summary>
public class TimeNamespaceTests : IntegrationTest
{
    [Fact]
    public void NewTimeNamespace_WithBoottimeOffset_ShiftsUptime()
    {
        var b = R.NewBundle().Sh("cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time");
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time" });
        b.Linux["timeOffsets"] = new JsonObject
        {
            ["boottime"] = new JsonObject { ["secs"] = 86400 * 365, ["nanosecs"] = 0 },
            ["monotonic"] = new JsonObject { ["secs"] = 1000, ["nanosecs"] = 0 },
        };
        var lines = Lines(R.RunOk(b));
        long hostUptime = long.Parse(File.ReadAllText("/proc/uptime").Split('.')[0]);
        Env.RunsharpOnly(() =>
        {
            Assert.True(long.Parse(lines[0]) >= hostUptime + 86400 * 365 - 5, $"uptime inside: {lines[0]}, host: {hostUptime}");
            Assert.NotEqual(new FileInfo("/proc/self/ns/time").LinkTarget, lines[1]);
        });
    }

    [Fact]
    public void TimeNamespace_JoinedByPath_SharesTheOwnersClocks()
    {
        // The first container owns a time namespace whose boot clock is a year ahead; the second joins it by path.
        var owner = R.NewBundle().Sh("sleep 30");
        owner.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time" });
        owner.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 86400 * 365, ["nanosecs"] = 0 } };
        var ownerId = NewId();
        R.Create(owner, ownerId).Ok();
        int ownerPid = R.Pid(ownerId);

        var joiner = R.NewBundle().Sh("cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time");
        joiner.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time", ["path"] = $"/proc/{ownerPid}/ns/time" });
        var lines = Lines(R.RunOk(joiner));
        long hostUptime = long.Parse(File.ReadAllText("/proc/uptime").Split('.')[0]);
        Assert.True(long.Parse(lines[0]) >= hostUptime + 86400 * 365 - 5, $"uptime inside: {lines[0]}, host: {hostUptime}");
        Assert.Equal(new FileInfo($"/proc/{ownerPid}/ns/time").LinkTarget, lines[1]);
        R.Delete(ownerId, force: true).Ok();
    }

    [Fact]
    public void TimeNamespace_JoinedByPath_WithOffsets_FailsNamingTheField()
    {
        // Offsets can only be written into a namespace nobody is in yet: a joined one keeps its own.
        var b = R.NewBundle().Sh("true");
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time", ["path"] = "/proc/self/ns/time" });
        b.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 10, ["nanosecs"] = 0 } };
        var r = R.Create(b, NewId());
        Env.RunsharpOnly(() => { r.Fails(); Assert.Contains("linux.timeOffsets", r.Stderr); });
    }

    [Fact]
    public void TimeOffsets_WithoutATimeNamespace_FailsNamingTheField()
    {
        var b = R.NewBundle().Sh("true");
        b.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 10, ["nanosecs"] = 0 } };
        var r = R.Create(b, NewId());
        Env.RunsharpOnly(() => { r.Fails(); Assert.Contains("linux.timeOffsets", r.Stderr); });
    }
}
