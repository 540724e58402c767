using System.Diagnostics;
using System.Globalization;

namespace Runtime.Integration.Tests;

/// <summary>
/// `events --stats` (one object in runc's types.Event shape, values read from the host's v1 cgroups, or from the
/// v2 files on a pure v2 host) and the `events --interval` stream with an "oom" event when the kernel OOM-kills
/// inside the container.
/// </summary>
public class EventsTests : IntegrationTest
{
    private const string Runc = "/usr/sbin/runc";

    /// <summary>A running container in /rsit-&lt;id&gt; that runs <paramref name="script"/>.</summary>
    private string StartSh(string script, Action<Bundle>? tweak = null)
    {
        var id = NewId();
        var b = R.NewBundle().Sh(script);
        b.Linux["cgroupsPath"] = "/rsit-" + id;
        tweak?.Invoke(b);
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        return id;
    }

    private JsonObject Stats(string id)
    {
        var r = R.Exec("events", "--stats", id).Ok();
        var lines = Lines(r.Stdout);
        Assert.True(lines.Length == 1, $"expected one JSON line:\n{r}");
        return JsonNode.Parse(lines[0])!.AsObject();
    }

    private static ulong U(JsonNode? n) => n is null ? 0 : n.GetValue<ulong>();

    [Fact]
    public void Stats_is_one_object_with_every_section_and_live_values()
    {
        var id = StartSh("sleep 300 & sleep 300 & echo ready; wait");
        R.WaitForOutput(id, "ready");
        var ev = Stats(id);
        Assert.Equal("stats", (string)ev["type"]!);
        Assert.Equal(id, (string)ev["id"]!);
        var data = ev["data"]!.AsObject();
        Assert.Equal(new[] { "cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt", "network_interfaces" }, data.Select(kv => kv.Key));
        Assert.Null(data["network_interfaces"]);
        Assert.Empty(data["intel_rdt"]!.AsObject());

        Assert.Equal(3UL, U(data["pids"]!["current"])); // sh and two sleeps
        Assert.True(U(data["cpu"]!["usage"]!["total"]) > 0);
        var memory = data["memory"]!.AsObject();
        Assert.True(U(memory["usage"]!["usage"]) > 0);
        Assert.True(U(memory["usage"]!["limit"]) > 0);
        if (HostCgroups.IsV2)
        {
            // v2 has no per-cpu usage, memory.stat has v2's keys, and runc 1.1 reads no cpuset stats there.
            Assert.Null(data["cpu"]!["usage"]!["percpu"]);
            Assert.True(memory["raw"]!.AsObject().ContainsKey("anon"));
            Assert.Null(data["cpuset"]!["cpus"]);
        }
        else
        {
            Assert.Equal(Environment.ProcessorCount, data["cpu"]!["usage"]!["percpu"]!.AsArray().Count);
            Assert.True(memory["raw"]!.AsObject().ContainsKey("total_rss"));
            Assert.NotEmpty(data["cpuset"]!["cpus"]!.AsArray());
        }
    }

    [Fact]
    public void Stats_follow_the_container()
    {
        var id = StartSh("echo ready; sleep 300", b => b.Linux["resources"]!["pids"] = new JsonObject { ["limit"] = 40 });
        R.WaitForOutput(id, "ready");
        var before = Stats(id)["data"]!;
        Assert.Equal(1UL, U(before["pids"]!["current"]));
        Assert.Equal(40UL, U(before["pids"]!["limit"]));

        // 8 MiB in the container's /dev/shm is charged to its memory cgroup as cache, and stays while it exists.
        R.Exec("exec", id, "sh", "-c", "head -c 8388608 /dev/zero > /dev/shm/fill").Ok();
        R.Exec("exec", "-d", id, "sleep", "300").Ok();
        var after = Stats(id)["data"]!;
        Assert.Equal(2UL, U(after["pids"]!["current"]));
        Assert.True(U(after["memory"]!["usage"]!["usage"]) >= U(before["memory"]!["usage"]!["usage"]) + (8UL << 20) - (1UL << 20),
            $"memory usage did not grow by ~8 MiB: {before["memory"]!["usage"]} -> {after["memory"]!["usage"]}");
        Assert.True(U(after["memory"]!["cache"]) >= 8UL << 20);
        Assert.True(U(after["cpu"]!["usage"]!["total"]) > U(before["cpu"]!["usage"]!["total"]));

        R.Exec("update", "--pids-limit", "77", "--memory", "96m", id).Ok();
        var updated = Stats(id)["data"]!;
        Assert.Equal(77UL, U(updated["pids"]!["limit"]));
        Assert.Equal(96UL << 20, U(updated["memory"]!["usage"]!["limit"]));
    }

    /// <summary>Every "path:kind" in a JSON tree; array elements share one path.</summary>
    private static SortedSet<string> Shape(JsonNode? node, string path = "")
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject o:
                set.Add(path + ":object");
                foreach (var (k, v) in o) set.UnionWith(Shape(v, path + "." + k));
                break;
            case JsonArray a:
                set.Add(path + ":array");
                foreach (var v in a) set.UnionWith(Shape(v, path + "[]"));
                break;
            case null:
                set.Add(path + ":null");
                break;
            default:
                set.Add(path + ":" + node.GetValueKind().ToString().ToLowerInvariant());
                break;
        }
        return set;
    }

    [Fact]
    public void Stats_shape_is_runcs_on_the_same_kind_of_container()
    {
        if (Env.IsRunc || !File.Exists(Runc)) return; // against runc itself there is nothing to compare
        var id = StartSh("echo ready; sleep 300");
        R.WaitForOutput(id, "ready");
        var ours = Shape(Stats(id));

        // The same bundle under runc, in a root of its own; removed whatever happens.
        var runcRoot = R.TempPath("runc-root");
        var runcId = "runc-" + id;
        var b = R.NewBundle().Sh("echo ready; sleep 300");
        b.Linux["cgroupsPath"] = "/rsit-" + runcId;
        b.Save();
        var rc = $"{Runc} --root {Env.Q(runcRoot)}";
        try
        {
            var run = Sh.Run($"{rc} run -d --bundle {Env.Q(b.Dir)} {runcId} </dev/null >{Env.Q(R.TempPath("runc.out"))} 2>&1");
            Assert.True(run.ExitCode == 0, $"runc run failed: {run.Stderr} {File.ReadAllText(R.TempPath("runc.out"))}");
            var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(10));
            while (!File.ReadAllText(R.TempPath("runc.out")).Contains("ready") && DateTime.UtcNow < deadline) Thread.Sleep(20);
            var theirs = Sh.Run($"{rc} events --stats {runcId}");
            Assert.True(theirs.ExitCode == 0, theirs.Stderr);
            var runcShape = Shape(JsonNode.Parse(theirs.Stdout)!);
            var differences = StatsShape.Unexplained(runcShape, ours);
            Assert.True(differences.Count == 0, $"{string.Join("\n", differences)}\nrunc: {theirs.Stdout}");
        }
        finally
        {
            Sh.Run($"{rc} delete -f {runcId}");
        }
    }

    /// <summary>`events` in the background, its stdout in a file; killed by pid at the end of the test if alive.</summary>
    private (Process Process, string Out) StartEvents(string id, params string[] extra)
    {
        var output = R.TempPath("events-" + Guid.NewGuid().ToString("N")[..8] + ".out");
        var args = string.Join(' ', new[] { "--root", R.Root, "events" }.Concat(extra).Append(id).Select(Env.Q));
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec {Env.Q(Env.RuntimePath)} {args} >{Env.Q(output)} 2>&1 </dev/null");
        var p = Process.Start(psi)!;
        R.TrackHostProcess(p.Id);
        return (p, output);
    }

    private static string[] WaitForLines(string file, Func<string[], bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + Env.Patience(timeout);
        string[] lines = [];
        while (DateTime.UtcNow < deadline)
        {
            lines = File.Exists(file) ? Lines(File.ReadAllText(file)) : [];
            if (done(lines)) return lines;
            Thread.Sleep(50);
        }
        Assert.Fail($"events output never got there; it has:\n{string.Join('\n', lines)}");
        return lines;
    }

    [Fact]
    public void Interval_stream_repeats_stats_until_the_container_stops()
    {
        var id = StartSh("echo ready; sleep 300");
        R.WaitForOutput(id, "ready");
        var (events, output) = StartEvents(id, "--interval", "200ms");
        var lines = WaitForLines(output, l => l.Length >= 3, TimeSpan.FromSeconds(20));
        foreach (var line in lines)
        {
            var ev = JsonNode.Parse(line)!.AsObject();
            Assert.Equal("stats", (string)ev["type"]!);
            Assert.Equal(id, (string)ev["id"]!);
            Assert.True(U(ev["data"]!["pids"]!["current"]) >= 1);
        }
        Assert.False(events.HasExited);

        R.Kill(id, "KILL").Ok();
        R.WaitForStatus(id, "stopped");
        // runc 1.1 ends the stream on v1 only when the cgroup goes away (delete); runsharp when the container stops.
        if (Env.IsRunc) R.Delete(id).Ok();
        Assert.True(events.WaitForExit(Env.Patience(TimeSpan.FromSeconds(10))), "events did not end after the container stopped");
        Assert.Equal(0, events.ExitCode);
        Assert.All(Lines(File.ReadAllText(output)), l => Assert.StartsWith("{\"type\":\"stats\"", l));
    }

    [Fact]
    public void An_oom_kill_inside_the_container_is_reported()
    {
        // Under 16 MiB without swap, tail -c holding 64 MiB is OOM-killed; the shell goes on and exits.
        var id = StartSh(
            "echo ready; while [ ! -e /dev/shm/go ]; do sleep 0.1; done; head -c 67108864 /dev/zero | tail -c 67108864 >/dev/null; echo tail=$?; sleep 1",
            b => b.Linux["resources"]!["memory"] = new JsonObject { ["limit"] = 16L << 20, ["swap"] = 16L << 20 });
        R.WaitForOutput(id, "ready");
        var (events, output) = StartEvents(id, "--interval", "300ms");
        // The first stats line means the OOM watch is in place (both runtimes register it before their loop).
        WaitForLines(output, l => l.Length >= 1, TimeSpan.FromSeconds(20));
        R.Exec("exec", id, "touch", "/dev/shm/go").Ok();
        var lines = WaitForLines(output, l => l.Any(x => x.Contains("\"oom\"")), TimeSpan.FromSeconds(20));
        Assert.Contains($"{{\"type\":\"oom\",\"id\":\"{id}\"}}", lines);
        Assert.Contains("tail=137", R.WaitForOutput(id, "tail="));

        R.WaitForStatus(id, "stopped");
        if (Env.IsRunc) R.Delete(id).Ok();
        Assert.True(events.WaitForExit(Env.Patience(TimeSpan.FromSeconds(10))), "events did not end after the container stopped");
    }

    [Fact]
    public void Stopped_missing_and_bad_intervals_fail_like_runc()
    {
        var id = NewId();
        var b = R.NewBundle().Args("true");
        R.Create(b, id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        Assert.Contains($"container with id {id} is not running", R.Exec("events", "--stats", id).Fails().Messages());
        Assert.Contains($"container with id {id} is not running", R.Exec("events", id).Fails().Messages());
        Assert.Contains("duration interval must be greater than 0", R.Exec("events", "--interval", "0s", id).Fails().Messages());
        Assert.Contains("container does not exist", R.Exec("events", "--stats", "nope-" + id).Fails().Messages());
        Assert.Contains("invalid value \"5x\" for flag -interval", R.Exec("events", "--interval", "5x", id).Fails().Messages());
    }

    [Fact]
    public void A_created_container_has_stats_too()
    {
        var id = NewId();
        var b = R.NewBundle().Args("true");
        b.Linux["cgroupsPath"] = "/rsit-" + id;
        R.Create(b, id).Ok();
        var data = Stats(id)["data"]!;
        // pids.current counts tasks: runsharp's waiting init is one single-threaded process, runc's is a Go runtime.
        Env.RunsharpOnly(() => Assert.Equal(1UL, U(data["pids"]!["current"])));
        Assert.Equal(int.Parse(File.ReadAllText(Path.Combine(HostCgroups.Dir("pids", "/rsit-" + id), "pids.current")).Trim(), CultureInfo.InvariantCulture), (int)U(data["pids"]!["current"]));
    }
}
