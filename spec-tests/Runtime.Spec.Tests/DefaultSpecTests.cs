namespace Runsharp.Spec.Tests;

public class DefaultSpecTests
{
    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));

    [Fact]
    public void MatchesRuncSpecByteForByte() =>
        Assert.Equal(Golden("runc-spec.json"), SpecJson.Serialize(DefaultSpec.Create(rootless: false), SpecJson.Tabbed));

    [Fact]
    public void RoundTripsAndValidates()
    {
        string text = SpecJson.Serialize(DefaultSpec.Create(rootless: false), SpecJson.Tabbed);
        var spec = SpecLoader.ParseConfig(text);
        Assert.Equal(text, SpecJson.Serialize(spec, SpecJson.Tabbed));
        Assert.Empty(SpecValidator.Validate(spec, bundleDir: null));
    }

    [Fact]
    public void CgroupNamespaceIsAddedOnRequest()
    {
        var spec = DefaultSpec.Create(rootless: false, cgroupNamespace: true);
        Assert.Equal(["pid", "network", "ipc", "uts", "mount", "cgroup"], spec.Linux!.Namespaces!.Select(n => n.Type));
    }

    [Fact]
    public void RootlessVariantMapsTheCallerAndDropsWhatItCannotDo()
    {
        var spec = DefaultSpec.Create(rootless: true, hostUid: 1000, hostGid: 1001, cgroupNamespace: true);
        var linux = spec.Linux!;
        Assert.Equal(["pid", "ipc", "uts", "mount", "cgroup", "user"], linux.Namespaces!.Select(n => n.Type));
        Assert.Equal(1000u, linux.UidMappings!.Single().HostId);
        Assert.Equal(0u, linux.UidMappings!.Single().ContainerId);
        Assert.Equal(1u, linux.UidMappings!.Single().Size);
        Assert.Equal(1001u, linux.GidMappings!.Single().HostId);
        Assert.Null(linux.Resources);

        var sys = spec.Mounts!.Single(m => m.Destination == "/sys");
        Assert.Equal(("none", "/sys"), (sys.Type, sys.Source));
        Assert.Equal(["rbind", "nosuid", "noexec", "nodev", "ro"], sys.Options!);
        var devpts = spec.Mounts!.Single(m => m.Destination == "/dev/pts");
        Assert.DoesNotContain("gid=5", devpts.Options!);
        Assert.Empty(SpecValidator.Validate(spec, bundleDir: null));
    }
}
