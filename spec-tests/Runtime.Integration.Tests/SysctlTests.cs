namespace Runtime.Integration.Tests;

/// <summary>linux.sysctl: namespaced keys are set inside the container; a global key is refused before anything runs.</summary>
public class SysctlTests : IntegrationTest
{
    [Fact]
    public void NamespacedKeys_AreSetInsideTheContainer()
    {
        var b = R.NewBundle().Sh("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/net/ipv4/tcp_keepalive_time");
        b.Linux["sysctl"] = new JsonObject
        {
            ["net.ipv4.ip_forward"] = "1",
            ["kernel.shmmni"] = "2048",
            ["net.ipv4.tcp_keepalive_time"] = "600",
        };
        var lines = Lines(R.RunOk(b));
        Assert.Equal(new[] { "1", "2048", "600" }, lines);
        // The host's values are untouched (the container has its own net and ipc namespaces).
        Assert.Equal("4096", File.ReadAllText("/proc/sys/kernel/shmmni").Trim());
    }

    [Fact]
    public void GlobalKey_IsRefused_AndNothingIsLeft()
    {
        var b = R.NewBundle().Sh("true");
        b.Linux["sysctl"] = new JsonObject { ["kernel.panic"] = "5" };
        var id = NewId();
        var r = R.Create(b, id);
        r.Fails();
        Assert.Contains("kernel.panic", r.Stderr);
        Env.RunsharpOnly(() => Assert.Contains("linux.sysctl", r.Stderr));
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    [Fact]
    public void NetKey_WithoutANetworkNamespace_IsRefused()
    {
        var b = R.NewBundle().Sh("true");
        var ns = b.Linux["namespaces"]!.AsArray();
        foreach (var n in ns.Where(n => (string?)n!["type"] == "network").ToList()) ns.Remove(n);
        // Ask for the opposite of the host's value, so a write that reached the host would show.
        string before = File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim();
        b.Linux["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = before == "1" ? "0" : "1" };
        var r = R.Create(b, NewId());
        r.Fails();
        Assert.Contains("net.ipv4.ip_forward", r.Stderr);
        Assert.Equal(before, File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim());
    }
}
