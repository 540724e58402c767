using System.Globalization;

namespace Runtime.Integration.Tests;

/// <summary>
/// --systemd-cgroup on a host without systemd: "slice:prefix:name" is mapped to the tree systemd would make
/// (runc needs a running systemd for this and fails here, so these are runsharp-only). The tree is checked in the
/// memory hierarchy on v1 and hybrid hosts, in the one cgroup2 tree on pure v2.
/// </summary>
public class SystemdCgroupTests : IntegrationTest
{
    [Fact]
    public void SliceForm_MapsToNestedSliceAndScope_AndLaterCommandsNeedNoFlag()
    {
        if (Env.IsRunc) return; // runc's systemd driver needs systemd over D-Bus
        var id = NewId();
        string stem = "rsit" + id.Replace("-", "", StringComparison.Ordinal);
        var b = R.NewBundle().Args("sleep", "30");
        b.Linux["cgroupsPath"] = $"{stem}-x.slice:rsit:{id}";
        b.Linux["resources"]!["memory"] = new JsonObject { ["limit"] = 64L * 1024 * 1024 };
        b.Save();
        string top = HostCgroups.Dir("memory", stem + ".slice");
        string scope = Path.Combine(top, $"{stem}-x.slice", $"rsit-{id}.scope");
        try
        {
            R.Exec("--systemd-cgroup", "create", "--bundle", b.Dir, id).Ok();
            int pid = R.Pid(id);
            Assert.Equal((64L << 20).ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(scope, HostCgroups.IsV2 ? "memory.max" : "memory.limit_in_bytes")).Trim());
            Assert.Contains(pid.ToString(CultureInfo.InvariantCulture), Lines(File.ReadAllText(Path.Combine(scope, "cgroup.procs"))));
            // The flag is not repeated, as engines do: the paths saved at create are used.
            R.Delete(id, force: true).Ok();
            Assert.False(Directory.Exists(scope), "scope left behind");
            Assert.False(Directory.Exists(top), "slices created for the container left behind");
        }
        finally
        {
            R.Exec("delete", "--force", id);
            foreach (var dir in new[] { scope, Path.GetDirectoryName(scope)!, top })
                if (Directory.Exists(dir)) Directory.Delete(dir);
        }
    }

    [Fact]
    public void PlainPathWithSystemdFlag_FailsNamingTheFieldAndLeavesNothing()
    {
        if (Env.IsRunc) return;
        var id = NewId();
        var b = R.NewBundle().Args("true");
        b.Linux["cgroupsPath"] = "/plain/" + id;
        b.Save();
        var r = R.Exec("--systemd-cgroup", "create", "--bundle", b.Dir, id).Fails();
        Assert.Contains("linux.cgroupsPath", r.Stderr);
        Assert.Contains("slice:prefix:name", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)), "state dir left behind");
        Assert.Empty(HostCgroups.Remaining("/plain/" + id));
        Assert.Empty(HostCgroups.Remaining("/plain"));
    }
}
