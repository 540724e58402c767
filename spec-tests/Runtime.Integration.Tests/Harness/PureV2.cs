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

    public static string NewName() => "rsit-v2-" + Guid.NewGuid().ToString("N")[..8];
}
