namespace Runtime.Integration.Tests;

/// <summary>
/// Id-mapped bind mounts (options idmap/ridmap, mounts[].uidMappings/gidMappings): the ids files have on disk are
/// seen through the mount's mapping inside the container, and what the container writes lands on disk mapped back.
/// </summary>
public class IdmappedMountTests : IntegrationTest
{
    private const long HostBase = 100000, Size = 65536;

    private static JsonArray Mapping(long containerId, long hostId, long size) =>
        new(new JsonObject { ["containerID"] = containerId, ["hostID"] = hostId, ["size"] = size });

    /// <summary>A host dir with a root-owned file and a file owned by 1000:1000.</summary>
    private string SharedDir()
    {
        var dir = R.TempPath("idmapped-src");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ff);
        File.WriteAllText(Path.Combine(dir, "root-file"), "r\n");
        File.WriteAllText(Path.Combine(dir, "user-file"), "u\n");
        Assert.Equal(0, Sh.Run($"chown 1000:1000 {Env.Q(Path.Combine(dir, "user-file"))}").ExitCode);
        return dir;
    }

    private static void AddIdmappedMount(Bundle b, string source, JsonArray? uids, JsonArray? gids, params string[] options)
    {
        b.AddMount("/mnt/idm", "bind", source, options);
        var m = b.Config["mounts"]!.AsArray().Last()!;
        if (uids is not null) m["uidMappings"] = uids;
        if (gids is not null) m["gidMappings"] = gids;
    }

    [Fact]
    public void MountMappings_WithoutUserNamespace_ShiftTheOwners()
    {
        // On-disk id D is shown as the host id the mount's mapping gives D: 0 -> 5000, 1000 -> 6000.
        var b = R.NewBundle(privateRootfs: true).Sh("stat -c '%n %u %g' /mnt/idm/root-file /mnt/idm/user-file; grep /mnt/idm /proc/self/mountinfo");
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "mnt", "idm"));
        AddIdmappedMount(b, SharedDir(), Mapping(0, 5000, 65536), Mapping(0, 7000, 65536), "bind", "idmap");
        var lines = Lines(R.RunOk(b));
        Assert.Equal("/mnt/idm/root-file 5000 7000", lines[0]);
        Assert.Equal("/mnt/idm/user-file 6000 8000", lines[1]);
        Assert.Contains("idmapped", lines[2]);
    }

    [Fact]
    public void IdmapOption_BorrowsTheContainersUserNamespaceMapping_BothWays()
    {
        // With the container's own mapping (0 -> 100000) the mount shows on-disk root as root inside, and what
        // root inside writes is owned by 0 on disk (not by 100000, as a plain bind mount would give).
        var src = SharedDir();
        var b = R.NewBundle(privateRootfs: true)
            .Sh("stat -c '%u %g' /mnt/idm/root-file /mnt/idm/user-file; echo x > /mnt/idm/made-inside && echo wrote");
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "mnt", "idm"));
        b.SetNamespace("user");
        b.Linux["uidMappings"] = Mapping(0, HostBase, Size);
        b.Linux["gidMappings"] = Mapping(0, HostBase, Size);
        AddIdmappedMount(b, src, null, null, "bind", "idmap");
        var lines = Lines(R.RunOk(b));
        Assert.Equal(new[] { "0 0", "1000 1000", "wrote" }, lines);
        Assert.Equal("0 0", Sh.Run($"stat -c '%u %g' {Env.Q(Path.Combine(src, "made-inside"))}").Stdout.Trim());
    }

    [Fact]
    public void PlainBindInAUserNamespace_ShowsHostRootAsNobody()
    {
        // The control for the test above: without idmap, on-disk root is unmapped in the container (overflow id).
        var b = R.NewBundle(privateRootfs: true).Sh("stat -c '%u' /mnt/idm/root-file");
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "mnt", "idm"));
        b.SetNamespace("user");
        b.Linux["uidMappings"] = Mapping(0, HostBase, Size);
        b.Linux["gidMappings"] = Mapping(0, HostBase, Size);
        b.AddMount("/mnt/idm", "bind", SharedDir(), "bind");
        Assert.Equal("65534", R.RunOk(b).Trim());
    }

    [Fact]
    public void Ridmap_MapsSubmountsToo()
    {
        // rbind + ridmap: a mount below the source is id-mapped as well; with idmap only the top one would be.
        var src = SharedDir();
        var sub = Path.Combine(src, "sub");
        Directory.CreateDirectory(sub);
        var b = R.NewBundle(privateRootfs: true).Sh("stat -c '%u' /mnt/idm/root-file /mnt/idm/sub/inner");
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "mnt", "idm"));
        // The submount lives in this test's private mount namespace (the suite runs under unshare --mount). It is a
        // bind mount of another directory, not a tmpfs: tmpfs takes id-mapped mounts only from Linux 6.3 on.
        var subSource = R.TempPath("idmapped-sub-src");
        Directory.CreateDirectory(subSource);
        File.WriteAllText(Path.Combine(subSource, "inner"), "i\n");
        Assert.Equal(0, Sh.Run($"mount --bind {Env.Q(subSource)} {Env.Q(sub)}").ExitCode);
        try
        {
            AddIdmappedMount(b, src, Mapping(0, 5000, 65536), Mapping(0, 5000, 65536), "rbind", "ridmap");
            Assert.Equal(new[] { "5000", "5000" }, Lines(R.RunOk(b)));
        }
        finally { Sh.Run($"umount {Env.Q(sub)}"); }
    }

    [Fact]
    public void IdmapWithoutMappingsOrUserNamespace_FailsNamingTheMount()
    {
        var b = R.NewBundle().Sh("true");
        AddIdmappedMount(b, SharedDir(), null, null, "bind", "idmap");
        var id = NewId();
        var r = R.Create(b, id);
        r.Fails();
        Env.RunsharpOnly(() => { Assert.Contains("mounts[", r.Stderr); Assert.Contains("idmap", r.Stderr); });
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)), "state dir left behind");
        Assert.Equal("", R.Exec("list", "-q").Ok().Stdout.Trim());
    }
}
