namespace Runtime.Integration.Tests;

/// <summary>
/// `exec --cgroup` on this host's v1 hierarchies (hybrid: plus the controller-less cgroup2 one): the new process
/// joins existing sub-cgroups of the container's cgroup, per controller or one path for all; a missing sub-cgroup,
/// one that climbs out, an unknown controller and malformed flags fail (exit 255, as exec failures do) without
/// running anything. The v2 form is in <see cref="CgroupV2ExecTests"/>.
/// </summary>
public class ExecCgroupTests : IntegrationTest
{
    private string StartSleeper()
    {
        var id = NewId();
        R.Create(R.NewBundle().Args("sleep", "300"), id).Ok();
        R.Start(id).Ok();
        R.WaitForStatus(id, "running");
        return id;
    }

    /// <summary>/proc/PID/cgroup as hierarchy ("memory", "name=systemd", "" for cgroup2) to its path.</summary>
    private static Dictionary<string, string> CgroupsOf(string procCgroup) =>
        Lines(procCgroup).Select(l => l.Split(':', 3)).ToDictionary(f => f[1], f => f[2]);

    /// <summary>The container init's directory in each hierarchy, keyed as <see cref="CgroupsOf"/>.</summary>
    private static Dictionary<string, string> ContainerDirs(int pid) =>
        CgroupsOf(File.ReadAllText($"/proc/{pid}/cgroup")).ToDictionary(kv => kv.Key,
            kv => Path.Combine("/sys/fs/cgroup", kv.Key.Length == 0 ? "unified" : kv.Key.Replace("name=", ""), kv.Value.TrimStart('/')));

    [V1CgroupsFact("per-controller --cgroup forms and v1 hierarchy paths; pure v2 is CgroupV2ExecTests")]
    public void PerController_JoinsOnlyTheNamedSubCgroups()
    {
        var id = StartSleeper();
        var dirs = ContainerDirs(R.Pid(id));
        Directory.CreateDirectory(Path.Combine(dirs["memory"], "sub"));
        Directory.CreateDirectory(Path.Combine(dirs["pids"], "sub"));
        var init = CgroupsOf(File.ReadAllText($"/proc/{R.Pid(id)}/cgroup"));

        var r = R.Exec("exec", "--cgroup", "memory,pids:sub", id, "cat", "/proc/self/cgroup").Ok();
        var exec = CgroupsOf(r.Stdout);
        Assert.Equal(init["memory"] + "/sub", exec["memory"]);
        Assert.Equal(init["pids"] + "/sub", exec["pids"]);
        foreach (var other in init.Keys.Where(k => k is not ("memory" or "pids")))
            Assert.Equal(init[other], exec[other]);
    }

    [V1CgroupsFact("per-controller --cgroup forms and v1 hierarchy paths; pure v2 is CgroupV2ExecTests")]
    public void OnePath_JoinsTheSubCgroupInEveryHierarchy()
    {
        var id = StartSleeper();
        var dirs = ContainerDirs(R.Pid(id));
        foreach (var dir in dirs.Values)
        {
            Directory.CreateDirectory(Path.Combine(dir, "a", "b"));
            // A new v1 cpuset cgroup has no cpus or mems: no process may join it until they are set.
            if (File.Exists(Path.Combine(dir, "cpuset.cpus")))
                foreach (var sub in new[] { "a", "a/b" })
                    foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
                        File.WriteAllText(Path.Combine(dir, sub, file), File.ReadAllText(Path.Combine(dir, file)).Trim());
        }
        var init = CgroupsOf(File.ReadAllText($"/proc/{R.Pid(id)}/cgroup"));

        // Detached, with a pid file: the process stays to be looked at from the host.
        var pidFile = R.TempPath("exec.pid");
        R.Exec("exec", "-d", "--pid-file", pidFile, "--cgroup", "/a/b", id, "sleep", "30").Ok();
        int pid = int.Parse(File.ReadAllText(pidFile));
        var exec = CgroupsOf(File.ReadAllText($"/proc/{pid}/cgroup"));
        Assert.Equal(init.Keys.Order(), exec.Keys.Order());
        foreach (var (hierarchy, path) in init)
            Assert.Equal(path.TrimEnd('/') + "/a/b", exec[hierarchy]);
    }

    [V1CgroupsFact("per-controller --cgroup forms and v1 hierarchy paths; pure v2 is CgroupV2ExecTests")]
    public void MissingSubCgroup_Fails_AndRunsNothing()
    {
        var id = StartSleeper();
        var r = R.Exec("exec", "--cgroup", "memory:nope", id, "sh", "-c", "echo ran");
        Assert.Equal(255, r.ExitCode);
        Assert.DoesNotContain("ran", r.Stdout);
        Assert.Contains("nope", r.Stderr + r.Log);
        Env.RunsharpOnly(() => Assert.Contains("does not exist", r.Stderr + r.Log));
        Assert.Equal("running", R.Status(id));
    }

    [V1CgroupsTheory("per-controller --cgroup forms and v1 hierarchy paths; pure v2 is CgroupV2ExecTests")]
    [InlineData("memory:../..")]
    [InlineData("../..")]
    public void SubCgroupClimbingOut_Fails(string arg)
    {
        var id = StartSleeper();
        var r = R.Exec("exec", "--cgroup", arg, id, "sh", "-c", "echo ran");
        Assert.Equal(255, r.ExitCode);
        Assert.DoesNotContain("ran", r.Stdout);
        Assert.Contains("not a sub", r.Stderr + r.Log);
    }

    [V1CgroupsFact("per-controller --cgroup forms and v1 hierarchy paths; pure v2 is CgroupV2ExecTests")]
    public void UnknownController_Fails()
    {
        var id = StartSleeper();
        var r = R.Exec("exec", "--cgroup", "nosuchctl:sub", id, "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("unknown controller nosuchctl", r.Stderr + r.Log);
    }

    [Fact]
    public void TwoPathsWithoutControllers_Fail()
    {
        var id = StartSleeper();
        var r = R.Exec("exec", "--cgroup", "a", "--cgroup", "b", id, "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("missing <controller>: prefix", r.Stderr + r.Log);
    }

    /// <summary>
    /// The exec'd process joins the container's cgroups itself ("0" to each v1 tasks file, clone3 into the cgroup2
    /// one): no cgroup.procs write by the runtime, whose cgroup-wide lock can wait for an RCU grace period.
    /// </summary>
    [Fact]
    public void Exec_JoinsTheCgroupsWithoutACgroupProcsWrite()
    {
        var id = StartSleeper();
        var init = CgroupsOf(File.ReadAllText($"/proc/{R.Pid(id)}/cgroup"));
        string trace = R.TempPath($"exec-{id}.trace");
        var r = R.Exec(["exec", id, "cat", "/proc/self/cgroup"],
            new ExecOptions { Prefix = ["strace", "-f", "-qq", "-e", "trace=openat,write,clone3", "-o", trace] }).Ok();
        Assert.Equal(init, CgroupsOf(r.Stdout));
        Env.RunsharpOnly(() =>
        {
            var lines = File.ReadAllLines(trace);
            Assert.DoesNotContain(lines, l => l.Contains("cgroup.procs") && (l.Contains("O_WRONLY") || l.Contains("O_RDWR")));
            // v1 hierarchies: the child's own "0" to tasks; pure v2: born in the cgroup by clone3.
            if (HostCgroups.IsV2) Assert.Contains(lines, l => l.Contains("clone3(") && l.Contains("CLONE_INTO_CGROUP") && !l.Contains("= -"));
            else Assert.Contains(lines, l => l.Contains("/tasks\"") && l.Contains("O_WRONLY"));
        });
    }
}

/// <summary>`exec --cgroup PATH` on a pure cgroup v2 view of this host (see <see cref="PureV2"/>).</summary>
public class CgroupV2ExecTests : IntegrationTest
{
    [Fact]
    public void OnV2_ExecJoinsAnExistingSubCgroup_AndRefusesTheOthers()
    {
        var name = PureV2.NewName();
        var body =
            "mkdir /sys/fs/cgroup/$NAME/sub || exit 92\n" +
            "RT exec --cgroup sub $NAME cat /proc/self/cgroup >$OUT/$NAME.sub 2>&1; echo rc=$? >>$OUT/$NAME.sub\n" +
            "RT exec $NAME cat /proc/self/cgroup >$OUT/$NAME.own 2>&1\n" +
            "RT exec --cgroup nope $NAME echo ran >$OUT/$NAME.nope 2>&1; echo $? >>$OUT/$NAME.nope\n" +
            "RT exec --cgroup ../x $NAME echo ran >$OUT/$NAME.up 2>&1; echo $? >>$OUT/$NAME.up\n" +
            "RT exec --cgroup pids:sub $NAME echo ran >$OUT/$NAME.ctl 2>&1; echo $? >>$OUT/$NAME.ctl\n";
        var r = PureV2.WithContainer(R, name, body);
        string Read(string ext) => File.Exists(R.TempPath($"{name}.{ext}")) ? File.ReadAllText(R.TempPath($"{name}.{ext}")) : "(missing)";
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode} (90 no cgroup2, 91 run, 92 mkdir, 95 cgroup left):\n{r}\n{Read("run")}");

        // /proc/self/cgroup also lists the host's v1 hierarchies (still mounted outside this view): look at "0::".
        Assert.Contains($"0::/{name}/sub", Lines(Read("sub")));
        Assert.Contains("rc=0", Lines(Read("sub")));
        Assert.Contains($"0::/{name}", Lines(Read("own")));
        foreach (var (ext, words) in new[] { ("nope", "nope"), ("up", "not a sub"), ("ctl", "pids") })
        {
            var text = Read(ext);
            Assert.EndsWith("\n255\n", text);
            Assert.DoesNotContain("ran\n", text);
            Assert.Contains(words, text);
        }
        Env.RunsharpOnly(() =>
        {
            Assert.Contains("does not exist", Read("nope"));
            Assert.Contains("cgroup v2 has a single hierarchy", Read("ctl"));
        });
    }
}
