using Runsharp.Cgroups;

namespace Runsharp.Cgroups.Tests;

/// <summary>--systemd-cgroup on a host without systemd: "slice:prefix:name" to the directory systemd would use.</summary>
public class SystemdCgroupPathTests
{
    [Theory]
    [InlineData("system.slice:cri-containerd:abc", "/system.slice/cri-containerd-abc.scope")]
    [InlineData("machine-web.slice:libpod:f00", "/machine.slice/machine-web.slice/libpod-f00.scope")]
    [InlineData("a-b-c.slice:p:n", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope")]
    [InlineData(":runc:id1", "/system.slice/runc-id1.scope")]
    [InlineData("user.slice::id2", "/user.slice/id2.scope")]
    [InlineData("-.slice:p:n", "/p-n.scope")]
    [InlineData("system.slice:ignored:pods.slice", "/system.slice/pods.slice")]
    public void MapsLikeSystemd(string cgroupsPath, string expected) =>
        Assert.Equal(expected, SystemdCgroupPath.ToCgroupfsPath(cgroupsPath, "unused"));

    [Fact]
    public void Empty_IsAScopeNamedAfterTheContainerInTheDefaultSlice()
    {
        Assert.Equal("/system.slice/runsharp-ctr.scope", SystemdCgroupPath.ToCgroupfsPath(null, "ctr"));
        Assert.Equal("/user.slice/runsharp-ctr.scope", SystemdCgroupPath.ToCgroupfsPath("", "ctr", rootless: true));
    }

    [Theory]
    [InlineData("/plain/path", "must look like \"slice:prefix:name\"")]
    [InlineData("a:b", "must look like \"slice:prefix:name\"")]
    [InlineData("a:b:c:d", "must look like \"slice:prefix:name\"")]
    [InlineData("system.slice:p:", "the name in")]
    [InlineData("system:p:n", "is not a slice name")]
    [InlineData("a/b.slice:p:n", "is not a slice name")]
    [InlineData("-a.slice:p:n", "is not a valid slice name")]
    [InlineData("a--b.slice:p:n", "is not a valid slice name")]
    [InlineData("a-.slice:p:n", "is not a valid slice name")]
    [InlineData("system.slice:p:x/y", "cannot contain '/'")]
    public void BadForms_AreErrorsNamingTheField(string cgroupsPath, string expected)
    {
        var e = Assert.Throws<CgroupException>(() => SystemdCgroupPath.ToCgroupfsPath(cgroupsPath, "id"));
        Assert.StartsWith("linux.cgroupsPath: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
