namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// Runs one container on a pure cgroup v2 view of this host: a nested private mount namespace replaces
/// /sys/fs/cgroup with a cgroup2 mount (the host's mounts are untouched), so the runtime under test takes its
/// v2 path. The container gets cgroupsPath "/NAME" and no cgroup namespace; afterwards its cgroup must be gone
/// (exit 92 if it was left, after removing it). Exit 90: no cgroup2 mount; otherwise the runtime's exit code.
/// </summary>
public static class PureV2
{
    public static Sh.Result Run(Runtime r, Bundle b, string name)
    {
        b.Linux["cgroupsPath"] = "/" + name;
        b.RemoveNamespace("cgroup");
        b.Save();
        var script = "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup || exit 90\n" +
                     $"{Env.Q(Env.RuntimePath)} --root {Env.Q(r.TempPath("v2root"))} run --bundle {Env.Q(b.Dir)} {name}\n" +
                     "rc=$?\n" +
                     $"if test -e /sys/fs/cgroup/{name}; then rmdir /sys/fs/cgroup/{name}; exit 92; fi\n" +
                     "exit $rc\n";
        return Sh.Run($"unshare --mount --propagation private sh -c {Env.Q(script)}", TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs <paramref name="body"/> in a private mount namespace with cgroup2 on /sys/fs/cgroup and a
    /// `sleep` container NAME started by RT (the runtime under test, or <paramref name="runtime"/>) with cgroupsPath
    /// "/NAME"; $OUT is the test's temp dir. The container is deleted and its cgroup checked gone whatever the body
    /// does (exit 95: cgroup left behind; 90: no cgroup2 mount; 91: run -d failed, see $OUT/NAME.run).</summary>
    public static Sh.Result WithContainer(Runtime r, string name, string body, string? runtime = null)
    {
        var b = r.NewBundle().Args("sleep", "300");
        b.Linux["cgroupsPath"] = "/" + name;
        b.Save();
        var rt = $"{Env.Q(runtime ?? Env.RuntimePath)} --root {Env.Q(r.TempPath("v2root-" + name))}";
        var script =
            "umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup || exit 90\n" +
            $"RT() {{ {rt} \"$@\"; }}; NAME={name}; OUT={Env.Q(r.TempDir)}\n" +
            $"cleanup() {{ RT delete -f $NAME >/dev/null 2>&1; test -e /sys/fs/cgroup/$NAME && exit 95; }}\n" +
            "trap 'rc=$?; cleanup; exit $rc' EXIT\n" +
            $"RT run -d --bundle {Env.Q(b.Dir)} $NAME </dev/null >$OUT/$NAME.run 2>&1 || exit 91\n" +
            body;
        return Sh.Run($"unshare --mount --propagation private sh -c {Env.Q(script)}", TimeSpan.FromSeconds(60));
    }

    public static string NewName() => "rsit-v2-" + Guid.NewGuid().ToString("N")[..8];
}
