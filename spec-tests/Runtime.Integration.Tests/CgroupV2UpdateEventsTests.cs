namespace Runtime.Integration.Tests;

/// <summary>
/// update and events on a pure cgroup v2 host, made as CgroupV2Tests does: a nested private mount namespace puts a
/// cgroup2 mount on /sys/fs/cgroup. On a hybrid host v1 holds cpu, memory and pids, so the v2 tree offers only
/// hugetlb: the stats come from cpu.stat, cgroup.procs and hugetlb.*, and update can write hugetlb limits while a
/// memory limit fails for want of the controller. On a pure v2 host (the guest of scripts/v2-guest.sh) the same
/// tree has every controller: the stats come from memory.* and pids.* too, and update writes memory.max and
/// pids.max (UpdateTests and EventsTests cover the rest there).
/// </summary>
public class CgroupV2UpdateEventsTests : IntegrationTest
{
    private const string Runc = "/usr/sbin/runc";

    private static bool HostOffersV2Hugetlb() =>
        HostCgroups.Cgroup2Root is { } root && File.Exists(Path.Combine(root, "cgroup.controllers")) &&
        File.ReadAllText(Path.Combine(root, "cgroup.controllers")).Split(' ', '\n').Contains("hugetlb");

    private Sh.Result InV2(string name, string body, string? runtime = null) => PureV2.WithContainer(R, name, body, runtime);

    private static string NewName() => "rsit-v2-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public void Stats_on_v2_read_cpu_stat_cgroup_procs_and_hugetlb()
    {
        var name = NewName();
        var r = InV2(name, "RT events --stats $NAME >$OUT/$NAME.stats 2>&1 || exit 92\n");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode} (90 no cgroup2, 91 run, 92 events, 95 cgroup left):\n{r}\n{ReadOr(name + ".run")}\n{ReadOr(name + ".stats")}");
        var ev = JsonNode.Parse(File.ReadAllText(R.TempPath(name + ".stats")))!.AsObject();
        Assert.Equal(name, (string)ev["id"]!);
        var data = ev["data"]!;
        // The sleep: pids.current on pure v2, counted from cgroup.procs where the tree has no pids controller.
        Assert.Equal(1UL, data["pids"]!["current"]!.GetValue<ulong>());
        Assert.True(data["cpu"]!["usage"]!["total"]!.GetValue<ulong>() > 0);
        Assert.Null(data["cpu"]!["usage"]!["percpu"]); // v2 has no per-cpu counters
        if (HostCgroups.IsV2)
        {
            // memory.current and memory.max ("max": no limit in the bundle, reported as runc does).
            Assert.True(data["memory"]!["usage"]!["usage"]!.GetValue<ulong>() > 0);
            Assert.Equal(ulong.MaxValue, data["memory"]!["usage"]!["limit"]!.GetValue<ulong>());
        }
        else Assert.Equal(0UL, data["memory"]!["usage"]!["limit"]!.GetValue<ulong>()); // no memory controller here
        Assert.Null(data["cpuset"]!["cpus"]);
        if (HostOffersV2Hugetlb())
            Assert.Contains("2MB", data["hugetlb"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public void Stats_shape_on_v2_is_runcs()
    {
        if (Env.IsRunc || !File.Exists(Runc)) return;
        var ours = NewName();
        var theirs = NewName();
        var r1 = InV2(ours, "RT events --stats $NAME >$OUT/$NAME.stats 2>&1 || exit 92\n");
        var r2 = InV2(theirs, "RT events --stats $NAME >$OUT/$NAME.stats 2>&1 || exit 92\n", Runc);
        Assert.True(r1.ExitCode == 0 && r2.ExitCode == 0, $"{r1}\n{r2}\n{ReadOr(ours + ".stats")}\n{ReadOr(theirs + ".stats")}");
        var runcKeys = Keys(JsonNode.Parse(File.ReadAllText(R.TempPath(theirs + ".stats"))));
        var ourKeys = Keys(JsonNode.Parse(File.ReadAllText(R.TempPath(ours + ".stats"))));
        var differences = StatsShape.Unexplained(runcKeys, ourKeys);
        Assert.True(differences.Count == 0,
            $"{string.Join("\n", differences)}\nrunc: {ReadOr(theirs + ".stats")}\nours: {ReadOr(ours + ".stats")}");
    }

    [Fact]
    public void Update_on_v2_writes_hugetlb_and_names_a_missing_controller()
    {
        if (!HostOffersV2Hugetlb()) return; // the hugetlb write below needs the controller
        var name = NewName();
        var body =
            "printf '{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}' >$OUT/$NAME.res\n" +
            "RT update -r - $NAME <$OUT/$NAME.res >$OUT/$NAME.upd 2>&1; echo $? >$OUT/$NAME.upd.rc\n" +
            "cat /sys/fs/cgroup/$NAME/hugetlb.2MB.max >$OUT/$NAME.huge\n" +
            "RT update --memory 100m $NAME >$OUT/$NAME.mem 2>&1; echo $? >$OUT/$NAME.mem.rc\n" +
            "RT update --pids-limit 10 $NAME >$OUT/$NAME.pids 2>&1; echo $? >$OUT/$NAME.pids.rc\n" +
            "cat /sys/fs/cgroup/$NAME/memory.max /sys/fs/cgroup/$NAME/pids.max >$OUT/$NAME.limits 2>&1 || true\n";
        var r = InV2(name, body);
        Assert.True(r.ExitCode == 0, $"{r}\n{ReadOr(name + ".run")}");
        if (HostCgroups.IsV2)
        {
            // Every controller is there: both limits are written.
            Assert.True(ReadOr(name + ".mem.rc").Trim() == "0", ReadOr(name + ".mem"));
            Assert.True(ReadOr(name + ".pids.rc").Trim() == "0", ReadOr(name + ".pids"));
            Assert.Equal(new[] { (100L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), "10" }, Lines(ReadOr(name + ".limits")));
            Env.RunsharpOnly(() => Assert.Equal("4194304", ReadOr(name + ".huge").Trim()));
            return;
        }
        // A memory or pids limit needs a controller this v2 tree does not have: both runtimes fail.
        Assert.Equal("1", ReadOr(name + ".mem.rc").Trim());
        Assert.Equal("1", ReadOr(name + ".pids.rc").Trim());
        Env.RunsharpOnly(() =>
        {
            Assert.Contains("cgroup controller 'memory' is not available", ReadOr(name + ".mem"));
            Assert.Contains("cgroup controller 'pids' is not available", ReadOr(name + ".pids"));
            // runc 1.1 update ignores hugepageLimits; runsharp applies every member but devices.
            Assert.Equal("0", ReadOr(name + ".upd.rc").Trim());
            Assert.Equal("4194304", ReadOr(name + ".huge").Trim());
        });
    }

    [Fact]
    public void Stream_on_v2_without_a_memory_controller_still_runs_and_ends_with_the_container()
    {
        // runc 1.1 refuses here ("unable to add inotify watch": no memory.events without the memory controller).
        // On a pure v2 host the controller is there and the stream watches memory.events as well.
        if (Env.IsRunc) return;
        var name = NewName();
        var body =
            ": >$OUT/$NAME.stream\nRT events --interval 100ms $NAME >>$OUT/$NAME.stream 2>&1 &\nEV=$!\n" +
            "i=0; while [ $(wc -l <$OUT/$NAME.stream) -lt 3 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done\n" +
            "RT kill $NAME KILL || exit 93\n" +
            "i=0; while kill -0 $EV 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done\n" +
            "kill -0 $EV 2>/dev/null && { kill $EV; exit 94; }\n" +
            "wait $EV || exit 96\n";
        var r = InV2(name, body);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode} (93 kill, 94 events did not end, 96 events failed):\n{r}\n{ReadOr(name + ".stream")}");
        var lines = Lines(ReadOr(name + ".stream"));
        Assert.True(lines.Length >= 3, string.Join('\n', lines));
        Assert.All(lines, l => Assert.Equal("stats", (string)JsonNode.Parse(l)!["type"]!));
    }

    private string ReadOr(string file) => File.Exists(R.TempPath(file)) ? File.ReadAllText(R.TempPath(file)) : "";

    /// <summary>Every object key path, values ignored.</summary>
    private static SortedSet<string> Keys(JsonNode? node, string path = "")
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (node is JsonObject o)
            foreach (var (k, v) in o)
            {
                set.Add(path + "." + k);
                set.UnionWith(Keys(v, path + "." + k));
            }
        else if (node is JsonArray a)
            foreach (var v in a) set.UnionWith(Keys(v, path + "[]"));
        return set;
    }
}
