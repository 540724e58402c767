using System.Diagnostics;

namespace Runtime.Integration.Tests;

/// <summary>
/// User namespaces: the mappings the container sees, root inside, ownership on the host of what it writes, joining
/// one by path (the namespaces the container creates are then owned by it), and a rootless run by an ordinary user.
/// </summary>
public class UserNamespaceTests : IntegrationTest
{
    private const long HostBase = 100000, Size = 65536;

    /// <summary>A bundle with a new user namespace mapping 0..65535 inside to 100000.. on the host.</summary>
    private Bundle UserNsBundle(bool privateRootfs = false)
    {
        var b = R.NewBundle(privateRootfs);
        b.SetNamespace("user");
        Map(b);
        return b;
    }

    private static void Map(Bundle b)
    {
        JsonArray Mapping() => new(new JsonObject { ["containerID"] = 0, ["hostID"] = HostBase, ["size"] = Size });
        b.Linux["uidMappings"] = Mapping();
        b.Linux["gidMappings"] = Mapping();
    }

    private static string[] Fields(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void NewUserNamespace_MapsAreThoseOfTheSpec_AndTheProcessIsRootInside()
    {
        var b = UserNsBundle().Sh("cat /proc/self/uid_map; cat /proc/self/gid_map; id; readlink /proc/self/ns/user");
        var lines = Lines(R.RunOk(b));
        Assert.Equal(new[] { "0", HostBase.ToString(), Size.ToString() }, Fields(lines[0]));
        Assert.Equal(new[] { "0", HostBase.ToString(), Size.ToString() }, Fields(lines[1]));
        Assert.StartsWith("uid=0(root) gid=0(root)", lines[2]);
        Assert.NotEqual(HostNs("user"), lines[3]);
    }

    [Fact]
    public void NewUserNamespace_InitRunsAsTheMappedHostUid()
    {
        var b = UserNsBundle().Args("sleep", "30");
        var id = NewId();
        R.Create(b, id).Ok();
        int pid = R.Pid(id);
        var uids = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        Assert.Equal(new[] { "Uid:", "100000", "100000", "100000", "100000" }, uids.Split('\t', ' ').Where(s => s.Length > 0));
        R.Delete(id, force: true).Ok();
    }

    [Fact]
    public void FileCreatedInABindMountedHostDir_IsOwnedByTheMappedHostIds()
    {
        var shared = R.TempPath("shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)0x1ff); // 0777: the mapped root is "other" to this dir
        // The mount point is made beforehand: the container's root (host uid 100000) may not write in a root-owned rootfs.
        var b = UserNsBundle(privateRootfs: true).Sh("echo data > /mnt/shared/made-inside && echo ok");
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "mnt", "shared"));
        b.AddMount("/mnt/shared", "none", shared, "bind");
        Assert.Equal("ok", R.RunOk(b).Trim());
        var st = Sh.Run($"stat -c '%u %g' {Env.Q(Path.Combine(shared, "made-inside"))}");
        Assert.Equal($"{HostBase} {HostBase}", st.Stdout.Trim());
    }

    /// <summary>
    /// A user namespace held by a host process (unshare --user sleep), mapped by us from outside. Returns the holder
    /// (tracked, so it is killed by pid if the test does not stop it) and its user namespace link.
    /// </summary>
    private (Process Holder, string UserNs) StartUserNamespaceHolder()
    {
        var psi = new ProcessStartInfo("unshare", ["--user", "sleep", "60"]) { UseShellExecute = false };
        var holder = Process.Start(psi)!;
        R.TrackHostProcess(holder.Id);
        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(10));
        string link = HostNs("user");
        while (DateTime.UtcNow < deadline && (link = new FileInfo($"/proc/{holder.Id}/ns/user").LinkTarget ?? "") == HostNs("user"))
            Thread.Sleep(20);
        Assert.NotEqual(HostNs("user"), link);
        // Root in the parent namespace may write any mapping.
        File.WriteAllText($"/proc/{holder.Id}/uid_map", $"0 {HostBase} {Size}\n");
        File.WriteAllText($"/proc/{holder.Id}/gid_map", $"0 {HostBase} {Size}\n");
        return (holder, link);
    }

    private static void Stop(Process holder)
    {
        try { holder.Kill(); holder.WaitForExit(); } catch { /* gone */ }
    }

    /// <summary>ns type -> owning user namespace inode, for the namespaces of <paramref name="pid"/> (lsns ONS).</summary>
    private static Dictionary<string, string> Owners(int pid)
    {
        var r = Sh.Run($"lsns -n -o TYPE,ONS,PID -p {pid}");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return Lines(r.Stdout).Select(Fields).Where(f => f.Length >= 2).GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1]);
    }

    private static string Inode(string link) => link[(link.IndexOf('[') + 1)..link.IndexOf(']')];

    [Fact]
    public void JoinUserNamespaceByPath_WithNewPidNamespace_NewNamespacesAreOwnedByIt()
    {
        var (holder, userNs) = StartUserNamespaceHolder();
        try
        {
            // hostname and a fresh proc need the uts and pid namespaces to be owned by the joined user namespace.
            var b = R.NewBundle().Args("sh", "-c", "readlink /proc/self/ns/user; cat /proc/self/uid_map; echo pid=$$; hostname; exec sleep 30");
            b.SetNamespace("user", $"/proc/{holder.Id}/ns/user");
            Map(b); // the same mappings as the namespace has (runc asks for them)
            var id = NewId();
            R.Create(b, id).Ok();
            int pid = R.Pid(id);
            Assert.Equal(userNs, new FileInfo($"/proc/{pid}/ns/user").LinkTarget);
            var owners = Owners(pid);
            foreach (var type in new[] { "mnt", "pid", "net", "ipc", "uts" })
                Assert.True(owners.TryGetValue(type, out var owner) && owner == Inode(userNs),
                    $"{type} namespace is owned by {owners.GetValueOrDefault(type)}, not by the joined {userNs}");
            R.Start(id).Ok();
            var output = R.WaitForOutput(id, "runsharp-test");
            var lines = Lines(output);
            Assert.Equal(userNs, lines[0]);
            Assert.Equal(new[] { "0", HostBase.ToString(), Size.ToString() }, Fields(lines[1]));
            Assert.Equal("pid=1", lines[2]);
            Assert.Equal("runsharp-test", lines[3]);
            R.Delete(id, force: true).Ok();
        }
        finally { Stop(holder); }
    }

    [Fact]
    public void JoinUserNamespaceByPath_WithoutPidNamespace_RunsInIt()
    {
        var (holder, userNs) = StartUserNamespaceHolder();
        try
        {
            var b = R.NewBundle().Sh("readlink /proc/self/ns/user; readlink /proc/self/ns/pid; id -u; hostname");
            b.SetNamespace("user", $"/proc/{holder.Id}/ns/user");
            Map(b);
            b.RemoveNamespace("pid");
            // proc can only be mounted by the owner of the pid namespace (here the host's user namespace): bind it.
            var mounts = b.Config["mounts"]!.AsArray();
            mounts.Remove(mounts.First(m => (string?)m!["destination"] == "/proc"));
            b.AddMount("/proc", "none", "/proc", "rbind");
            var lines = Lines(R.RunOk(b));
            Assert.Equal(new[] { userNs, HostNs("pid"), "0", "runsharp-test" }, lines);
        }
        finally { Stop(holder); }
    }

    [Fact]
    public void JoinUserNamespaceByPath_WithNewTimeNamespace_OwnedByIt_OffsetsApplied()
    {
        var (holder, userNs) = StartUserNamespaceHolder();
        try
        {
            var b = R.NewBundle().Args("sh", "-c", "cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time; exec sleep 30");
            b.SetNamespace("user", $"/proc/{holder.Id}/ns/user");
            Map(b);
            b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time" });
            b.Linux["timeOffsets"] = new JsonObject
            {
                ["boottime"] = new JsonObject { ["secs"] = 86400 * 365, ["nanosecs"] = 0 },
                ["monotonic"] = new JsonObject { ["secs"] = 1000, ["nanosecs"] = 0 },
            };
            var id = NewId();
            R.Create(b, id).Ok();
            int pid = R.Pid(id);
            var owners = Owners(pid);
            Assert.True(owners.TryGetValue("time", out var owner) && owner == Inode(userNs),
                $"time namespace is owned by {owners.GetValueOrDefault("time")}, not by the joined {userNs}");
            Assert.Equal(["monotonic 1000 0", "boottime 31536000 0"],
                Lines(File.ReadAllText($"/proc/{pid}/timens_offsets")).Select(l => string.Join(' ', Fields(l))).ToArray());
            R.Start(id).Ok();
            var lines = Lines(R.WaitForOutput(id, "time:"));
            long hostUptime = long.Parse(File.ReadAllText("/proc/uptime").Split('.')[0]);
            Assert.True(long.Parse(lines[0]) >= hostUptime + 86400 * 365 - 5, $"uptime inside: {lines[0]}, host: {hostUptime}");
            Assert.NotEqual(HostNs("time"), lines[1]);
            Assert.Equal(new FileInfo($"/proc/{pid}/ns/time").LinkTarget, lines[1]);
            R.Delete(id, force: true).Ok();
        }
        finally { Stop(holder); }
    }

    [Fact]
    public void Rootless_SpecRootlessBundle_RunsAsAnOrdinaryUser()
    {
        string user = "rsit" + Guid.NewGuid().ToString("N")[..6];
        var add = Sh.Run($"useradd -M -s /bin/sh {user}");
        Assert.True(add.ExitCode == 0, $"useradd failed: {add.Stderr}");
        try
        {
            var uid = Sh.Run($"id -u {user}").Stdout.Trim();
            var gid = Sh.Run($"id -g {user}").Stdout.Trim();
            var dir = R.TempPath("rootless");
            var bundle = Path.Combine(dir, "bundle");
            var xdg = Path.Combine(dir, "xdg");
            Directory.CreateDirectory(bundle);
            Directory.CreateDirectory(xdg);
            SharedRootfs.CopyTo(Path.Combine(bundle, "rootfs"));
            Assert.Equal(0, Sh.Run($"chown -R {user}: {Env.Q(dir)} && chmod 700 {Env.Q(xdg)}").ExitCode);

            string AsUser(string command) =>
                $"cd {Env.Q(dir)} && runuser -u {user} -- env XDG_RUNTIME_DIR={Env.Q(xdg)} HOME={Env.Q(dir)} {command}";
            string rt = Env.Q(Env.RuntimePath);

            var spec = Sh.Run(AsUser($"{rt} spec --rootless --bundle {Env.Q(bundle)}"));
            Assert.True(spec.ExitCode == 0, $"spec --rootless failed: {spec.Stderr}");
            var configPath = Path.Combine(bundle, "config.json");
            var config = JsonNode.Parse(File.ReadAllText(configPath))!;
            Assert.Equal(uid, config["linux"]!["uidMappings"]![0]!["hostID"]!.ToString());
            Assert.Equal(gid, config["linux"]!["gidMappings"]![0]!["hostID"]!.ToString());
            config["process"]!["terminal"] = false;
            config["process"]!["args"] = Json.Arr("sh", "-c", "id; cat /proc/self/uid_map; cat /proc/self/gid_map; echo rootless-ok");
            File.WriteAllText(configPath, config.ToJsonString());

            var id = NewId();
            var run = Sh.Run(AsUser($"{rt} run --bundle {Env.Q(bundle)} {id}"), TimeSpan.FromSeconds(30));
            try
            {
                Assert.True(run.ExitCode == 0, $"rootless run failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
                var lines = Lines(run.Stdout);
                Assert.StartsWith("uid=0(root) gid=0(root)", lines[0]);
                Assert.Equal(new[] { "0", uid, "1" }, Fields(lines[1]));
                Assert.Equal(new[] { "0", gid, "1" }, Fields(lines[2]));
                Assert.Equal("rootless-ok", lines[3]);
                // The state lived under $XDG_RUNTIME_DIR (the default --root for a non-root user) and is gone.
                Assert.True(Directory.Exists(Path.Combine(xdg, Path.GetFileName(Env.RuntimePath))), $"no state root under {xdg}");
                Assert.False(Directory.Exists(Path.Combine(xdg, Path.GetFileName(Env.RuntimePath), id)));
            }
            finally
            {
                Sh.Run(AsUser($"{rt} delete --force {id}"));
            }
        }
        finally
        {
            Sh.Run($"userdel -f {user}");
        }
    }
}
