namespace Runtime.Integration.Tests;

/// <summary>
/// pause/resume/ps/kill --all on the other kinds of host, in a nested private mount namespace (the host's mounts
/// are untouched) where a script drives the runtime. Pure v2: as <see cref="CgroupV2Tests"/> does, /sys/fs/cgroup
/// becomes a cgroup2 mount; cgroup.freeze, cgroup.events and cgroup.kill are core cgroup2 files, so a hybrid
/// host's controller-less v2 tree has them (on a pure v2 host it is the same tree mounted again). Pure v1: the
/// unified mount is hidden, so there is no cgroup.kill and `kill --all KILL` must freeze, signal and thaw. The
/// script prints what it saw; the asserts are here.
/// </summary>
public class FreezerV2Tests : IntegrationTest
{
    private const string PureV2 = "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup || exit 90\nCG=/sys/fs/cgroup/$ID\n";
    private const string PureV1 = "umount -l /sys/fs/cgroup/unified || exit 90\nCG=/sys/fs/cgroup/freezer/$ID\n";

    private Sh.Result InPureV2(string name, Bundle b, string body) => InPrivateMount(PureV2, name, b, body);

    private Sh.Result InPrivateMount(string setup, string name, Bundle b, string body)
    {
        b.Linux["cgroupsPath"] = "/" + name;
        b.RemoveNamespace("cgroup");
        b.Save();
        var script =
            $"RT={Env.Q(Env.RuntimePath)}; ROOT={Env.Q(R.TempPath("root-" + name))}; ID={name}; OUT={Env.Q(R.TempPath(name + ".out"))}\n" +
            "rt() { \"$RT\" --root \"$ROOT\" \"$@\"; }\n" +
            setup +
            // Whatever happens, nothing is left: the container, its processes, its cgroup.
            "trap 'rt delete --force $ID >/dev/null 2>&1' EXIT\n" +
            $"rt create --bundle {Env.Q(b.Dir)} $ID >$OUT 2>&1 </dev/null || exit 91\n" +
            "rt start $ID || exit 92\n" +
            "lines() { wc -l < $OUT; }\n" +
            "waitlines() { n=0; while [ $(lines) -lt $1 ]; do n=$((n+1)); [ $n -gt 500 ] && exit 93; sleep 0.02; done; }\n" +
            "state() { rt state $ID | tr -d ' \\n'; echo; }\n" +
            "frozen() { grep '^frozen ' $CG/cgroup.events; }\n" +
            body;
        var r = Sh.Run($"unshare --mount --propagation private sh -c {Env.Q(script)}", TimeSpan.FromSeconds(60));
        // The hierarchies are the host's, whatever its layout.
        var left = HostCgroups.Remaining(name);
        Assert.True(left.Count == 0, $"cgroup {string.Join(", ", left)} left behind:\n{r}");
        return r;
    }

    private static string NewName() => "rsit-v2f-" + Guid.NewGuid().ToString("N")[..8];

    private static string Value(string stdout, string key) =>
        Lines(stdout).FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))?[(key.Length + 1)..]
        ?? throw new Xunit.Sdk.XunitException($"no '{key}' line in:\n{stdout}");

    [Fact]
    public void PureV2_PauseFreezes_ResumeThaws_DeleteForceOfPausedLeavesNothing()
    {
        var b = R.NewBundle().Sh("i=0; while true; do i=$((i+1)); echo $i; sleep 0.02; done");
        var r = InPureV2(NewName(), b,
            "waitlines 3\n" +
            "rt pause $ID || exit 94\n" +
            "echo freeze $(cat $CG/cgroup.freeze)\n" +
            "echo events $(frozen)\n" +
            "echo state $(state)\n" +
            "a=$(lines); sleep 0.3; echo counter $a $(lines)\n" +
            "PIDS=$(rt ps --format json $ID); echo ps $PIDS\n" +
            "rt pause $ID 2>/dev/null; echo pause-again $?\n" +
            "rt resume $ID || exit 95\n" +
            "echo freeze2 $(cat $CG/cgroup.freeze)\n" +
            "echo events2 $(frozen)\n" +
            "echo state2 $(state)\n" +
            "waitlines $((a + 3))\n" +
            "rt resume $ID 2>/dev/null; echo resume-again $?\n" +
            "rt pause $ID || exit 96\n" +
            "rt delete --force $ID || exit 97\n" +
            "test -e $CG && exit 98\n" +
            "for p in $(echo $PIDS | tr -d '[]' | tr ',' ' '); do\n" +
            "  n=0; while [ -e /proc/$p ] && ! grep -q '^State:.*Z' /proc/$p/status; do n=$((n+1)); [ $n -gt 250 ] && exit 99; sleep 0.02; done\n" +
            "done\n" +
            "exit 0\n");
        Assert.True(r.ExitCode == 0, $"v2 pause script failed (90: no cgroup2 mount, 91-92: create/start, 93: no output, 94-96: pause/resume, 97-98: delete --force, 99: a process survived):\n{r}");
        Assert.Equal("1", Value(r.Stdout, "freeze"));
        Assert.Equal("frozen 1", Value(r.Stdout, "events"));
        Assert.Contains("\"status\":\"paused\"", Value(r.Stdout, "state"));
        var counter = Value(r.Stdout, "counter").Split(' ');
        Assert.Equal(counter[0], counter[1]);
        Assert.Matches(@"^\[\d+(,\d+)*\]$", Value(r.Stdout, "ps"));
        Assert.Equal("1", Value(r.Stdout, "pause-again"));
        Assert.Equal("0", Value(r.Stdout, "freeze2"));
        Assert.Equal("frozen 0", Value(r.Stdout, "events2"));
        Assert.Contains("\"status\":\"running\"", Value(r.Stdout, "state2"));
        Assert.Equal("1", Value(r.Stdout, "resume-again"));
    }

    [Fact]
    public void PureV2_KillAllReachesAChild_AndKillAllKillEmptiesTheCgroup()
    {
        var b = R.NewBundle().Sh("sleep 300 & echo ready; wait; echo child-gone; sleep 300 & sleep 300 & wait");
        var r = InPureV2(NewName(), b,
            "waitlines 1\n" +
            "echo ps $(rt ps --format json $ID)\n" +
            "rt kill --all $ID TERM || exit 94\n" +
            "n=0; until grep -q child-gone $OUT; do n=$((n+1)); [ $n -gt 500 ] && exit 95; sleep 0.02; done\n" +
            "echo state $(state)\n" +
            "rt kill --all $ID KILL || exit 96\n" +
            "n=0; until [ -z \"$(cat $CG/cgroup.procs)\" ]; do n=$((n+1)); [ $n -gt 500 ] && exit 97; sleep 0.02; done\n" +
            "n=0; until state | grep -q '\"status\":\"stopped\"'; do n=$((n+1)); [ $n -gt 500 ] && exit 98; sleep 0.02; done\n" +
            "echo ps2 $(rt ps --format json $ID)\n" +
            "rt delete $ID || exit 99\n" +
            "exit 0\n");
        Assert.True(r.ExitCode == 0, $"v2 kill script failed (94-95: kill --all TERM, 96-98: kill --all KILL, 99: delete):\n{r}");
        Assert.Matches(@"^\[\d+,\d+\]$", Value(r.Stdout, "ps"));
        Assert.Contains("\"status\":\"running\"", Value(r.Stdout, "state"));
        Assert.Equal("null", Value(r.Stdout, "ps2"));
    }

    [V1CgroupsFact("a pure v1 view hides the host's cgroup2 mount to leave the v1 hierarchies alone, and a pure v2 host " +
                   "has none (its controllers are bound to cgroup2); PureV2_KillAllReachesAChild_AndKillAllKillEmptiesTheCgroup covers v2")]
    public void PureV1_KillAllWithoutCgroupKill_FreezesSignalsAndThaws()
    {
        var b = R.NewBundle().Sh("sleep 300 & echo ready; wait; echo child-gone; sleep 300 & sleep 300 & wait");
        var r = InPrivateMount(PureV1, NewName(), b,
            "waitlines 1\n" +
            "test -e /sys/fs/cgroup/unified/cgroup.kill && exit 89\n" +
            "rt kill --all $ID TERM || exit 94\n" +
            "n=0; until grep -q child-gone $OUT; do n=$((n+1)); [ $n -gt 500 ] && exit 95; sleep 0.02; done\n" +
            "echo freezer $(cat $CG/freezer.state)\n" +
            "echo state $(state)\n" +
            "rt pause $ID || exit 96\n" +
            "echo freezer2 $(cat $CG/freezer.state)\n" +
            "rt kill --all $ID KILL || exit 97\n" +
            "n=0; until [ -z \"$(cat $CG/cgroup.procs)\" ]; do n=$((n+1)); [ $n -gt 500 ] && exit 98; sleep 0.02; done\n" +
            "echo freezer3 $(cat $CG/freezer.state)\n" +
            "n=0; until state | grep -q '\"status\":\"stopped\"'; do n=$((n+1)); [ $n -gt 500 ] && exit 99; sleep 0.02; done\n" +
            "rt delete $ID || exit 88\n" +
            "exit 0\n");
        Assert.True(r.ExitCode == 0, $"v1 kill script failed (89: unified still mounted, 94-95: kill --all TERM, 96-99: pause + kill --all KILL, 88: delete):\n{r}");
        // kill --all TERM froze the cgroup to signal it and thawed it again.
        Assert.Equal("THAWED", Value(r.Stdout, "freezer"));
        Assert.Contains("\"status\":\"running\"", Value(r.Stdout, "state"));
        Assert.Equal("FROZEN", Value(r.Stdout, "freezer2"));
        // SIGKILL to a paused container thaws it so the processes can die.
        Assert.Equal("THAWED", Value(r.Stdout, "freezer3"));
    }
}
