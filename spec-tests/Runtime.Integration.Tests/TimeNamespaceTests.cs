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
    public void TimeOffsets_WithoutATimeNamespace_FailsNamingTheField()
    {
        var b = R.NewBundle().Sh("true");
        b.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 10, ["nanosecs"] = 0 } };
        var r = R.Create(b, NewId());
        Env.RunsharpOnly(() => { r.Fails(); Assert.Contains("linux.timeOffsets", r.Stderr); });
    }
}
