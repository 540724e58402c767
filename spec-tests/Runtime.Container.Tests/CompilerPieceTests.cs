using Runsharp.Container.Exec;
using Runsharp.Container.Mounts;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Security;
using Runsharp.Spec;
using F = Runsharp.Linux.Native.Flags;

namespace Runsharp.Container.Tests;

public sealed class MountOptionsTests
{
    [Fact]
    public void Flags_SetAndClear_LastOneWins()
    {
        var o = MountOptions.Parse(["ro", "nosuid", "nodev", "noexec", "rw"], "tmpfs");
        Assert.Equal(F.MS_NOSUID | F.MS_NODEV | F.MS_NOEXEC, o.Flags);
        Assert.Equal(F.MS_RDONLY, o.ClearFlags);

        o = MountOptions.Parse(["rw", "suid", "ro"], "tmpfs");
        Assert.Equal(F.MS_RDONLY, o.Flags);
        Assert.Equal(F.MS_NOSUID, o.ClearFlags);
    }

    [Fact]
    public void AllKnownFlags()
    {
        var o = MountOptions.Parse(["sync", "dirsync", "remount", "mand", "noatime", "nodiratime", "relatime",
            "strictatime", "silent", "iversion", "lazytime", "nosymfollow", "defaults"], null);
        Assert.Equal(F.MS_SYNCHRONOUS | F.MS_DIRSYNC | F.MS_REMOUNT | F.MS_MANDLOCK | F.MS_NOATIME | F.MS_NODIRATIME |
                     F.MS_RELATIME | F.MS_STRICTATIME | F.MS_SILENT | F.MS_I_VERSION | F.MS_LAZYTIME | F.MS_NOSYMFOLLOW, o.Flags);
        Assert.Equal("", o.Data);
        o = MountOptions.Parse(["async", "nomand", "atime", "diratime", "norelatime", "nostrictatime", "loud",
            "noiversion", "nolazytime", "symfollow", "dev", "exec"], null);
        Assert.Equal(0, o.Flags);
        Assert.Equal(F.MS_SYNCHRONOUS | F.MS_MANDLOCK | F.MS_NOATIME | F.MS_NODIRATIME | F.MS_RELATIME | F.MS_STRICTATIME |
                     F.MS_SILENT | F.MS_I_VERSION | F.MS_LAZYTIME | F.MS_NOSYMFOLLOW | F.MS_NODEV | F.MS_NOEXEC, o.ClearFlags);
    }

    [Fact]
    public void Propagation_KeptInOrder_AndNotInFlags()
    {
        var o = MountOptions.Parse(["rprivate", "shared", "rslave", "unbindable"], "tmpfs");
        Assert.Equal([F.MS_PRIVATE | F.MS_REC, F.MS_SHARED, F.MS_SLAVE | F.MS_REC, F.MS_UNBINDABLE], o.Propagation);
        Assert.Equal(0, o.Flags);
    }

    [Fact]
    public void Unknown_Options_AreFsData_InOrder()
    {
        var o = MountOptions.Parse(["nosuid", " mode=755 ", "", "size=65536k", "uid=0"], "tmpfs");
        Assert.Equal("mode=755,size=65536k,uid=0", o.Data);
        Assert.Equal(F.MS_NOSUID, o.Flags);
        Assert.False(o.Bind);
    }

    [Fact]
    public void Tmpcopyup_IsAFlagOfItsOwn_NotFsData()
    {
        var o = MountOptions.Parse(["nosuid", "tmpcopyup", "mode=755"], "tmpfs");
        Assert.True(o.CopyUp);
        Assert.Equal("mode=755", o.Data);
        Assert.False(MountOptions.Parse(["mode=755"], "tmpfs").CopyUp);
    }

    [Theory]
    [InlineData("bind", new string[0], true, false)]
    [InlineData("none", new[] { "bind" }, true, false)]
    [InlineData(null, new[] { "rbind" }, true, true)]
    [InlineData("bind", new[] { "rbind", "ro" }, true, true)]
    [InlineData("tmpfs", new string[0], false, false)]
    public void Bind_And_Rbind(string? type, string[] options, bool bind, bool recursive)
    {
        var o = MountOptions.Parse(options, type);
        Assert.Equal(bind, o.Bind);
        Assert.Equal(recursive, o.Recursive);
        Assert.Equal("", o.Data);
    }

    [Fact]
    public void NullOptions_AreEmpty()
    {
        var o = MountOptions.Parse(null, "proc");
        Assert.Equal(0, o.Flags);
        Assert.Equal(0, o.ClearFlags);
        Assert.Empty(o.Propagation);
        Assert.Equal("", o.Data);
    }

    [Fact]
    public void RootfsPropagation_DefaultsToRslave_AndUnknownNamesTheField()
    {
        Assert.Equal(F.MS_SLAVE | F.MS_REC, MountOptions.ParsePropagation(null, "linux.rootfsPropagation"));
        Assert.Equal(F.MS_SLAVE | F.MS_REC, MountOptions.ParsePropagation("", "linux.rootfsPropagation"));
        Assert.Equal(F.MS_PRIVATE, MountOptions.ParsePropagation("private", "linux.rootfsPropagation"));
        var e = Assert.Throws<ContainerException>(() => MountOptions.ParsePropagation("sideways", "linux.rootfsPropagation"));
        Assert.Equal("linux.rootfsPropagation: unknown propagation \"sideways\"", e.Message);
    }
}

public sealed class InRootPathTests
{
    [Theory]
    [InlineData("/a/./b/../c/", "a/c")]
    [InlineData("/", "")]
    [InlineData("", "")]
    [InlineData("/..", "")]
    [InlineData("../../etc/passwd", "etc/passwd")]
    [InlineData("/a/../../../b", "b")]
    [InlineData("//a///b//", "a/b")]
    [InlineData("a/b/..", "a")]
    [InlineData("/proc/self/../1/fd", "proc/1/fd")]
    [InlineData("/...", "...")]
    public void Relative(string path, string expected) => Assert.Equal(expected, InRootPath.Relative(path));

    [Theory]
    [InlineData("..", "/")]
    [InlineData("dev/null", "/dev/null")]
    [InlineData("/dev/../../dev/null", "/dev/null")]
    [InlineData("/x/", "/x")]
    public void Absolute(string path, string expected) => Assert.Equal(expected, InRootPath.Absolute(path));

    [Theory]
    [InlineData("a/b/c", "a/b")]
    [InlineData("a", null)]
    [InlineData("", null)]
    public void Parent(string rel, string? expected) => Assert.Equal(expected, InRootPath.Parent(rel));
}

public sealed class CapabilitiesTests
{
    [Fact]
    public void Mask_SetsTheNumberedBits()
    {
        Assert.Equal((1UL << 0) | (1UL << 21) | (1UL << 40),
            Capabilities.Mask(["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"], 40, "f"));
        Assert.Equal(0UL, Capabilities.Mask(null, 40, "f"));
        Assert.Equal(0UL, Capabilities.Mask([], 40, "f"));
    }

    [Fact]
    public void Mask_LeavesOutCapsAboveLastCap()
    {
        Assert.Equal(1UL << 5, Capabilities.Mask(["CAP_KILL", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"], 37, "f"));
    }

    [Fact]
    public void Mask_MalformedName_NamesTheFieldAndIndex()
    {
        var e = Assert.Throws<ContainerException>(() =>
            Capabilities.Mask(["CAP_KILL", "CAP_NET_RAW", "fly"], 40, "process.capabilities.bounding"));
        Assert.Equal("process.capabilities.bounding[2]: \"fly\" is not a capability name", e.Message);
    }

    [Fact]
    public void Mask_UnknownWellFormedName_IsNotGranted()
    {
        Assert.Equal(1UL << 5, Capabilities.Mask(["CAP_KILL", "CAP_FLY"], 40, "process.capabilities.bounding"));
    }

    [Fact]
    public void Names_MatchTheKernelNumbers()
    {
        Assert.Equal(41, Capabilities.Names.Count);
        Assert.Equal(0, Capabilities.Number("CAP_CHOWN"));
        Assert.Equal(10, Capabilities.Number("CAP_NET_BIND_SERVICE"));
        Assert.Equal(21, Capabilities.Number("CAP_SYS_ADMIN"));
        Assert.Equal(29, Capabilities.Number("CAP_AUDIT_WRITE"));
        Assert.Equal(38, Capabilities.Number("CAP_PERFMON"));
        Assert.Equal(-1, Capabilities.Number("SYS_ADMIN"));
    }
}

public sealed class ExecCandidatesTests
{
    [Fact]
    public void PathFromEnv_InOrder()
    {
        Assert.Equal(["/opt/bin/app", "/bin/app"], ExecCompiler.Candidates("app", ["A=1", "PATH=/opt/bin:/bin/", "B=2"]));
    }

    [Fact]
    public void NoPath_UsesTheDefault()
    {
        Assert.Equal(ExecCompiler.DefaultPath.Split(':').Select(d => d + "/sh"), ExecCompiler.Candidates("sh", ["TERM=xterm"]));
    }

    [Theory]
    [InlineData("/bin/sh")]
    [InlineData("./run.sh")]
    [InlineData("bin/tool")]
    public void NameWithSlash_IsUsedAsIs(string program)
    {
        Assert.Equal([program], ExecCompiler.Candidates(program, ["PATH=/usr/bin"]));
    }

    [Fact]
    public void EmptyPathEntry_MeansTheCurrentDirectory()
    {
        Assert.Equal(["/bin/x", "./x", "/usr/bin/x"], ExecCompiler.Candidates("x", ["PATH=/bin::/usr/bin"]));
        Assert.Equal(["./x", "/bin/x"], ExecCompiler.Candidates("x", ["PATH=:/bin"]));
        Assert.Equal(["./x"], ExecCompiler.Candidates("x", ["PATH="]));
    }

    [Fact]
    public void PathPrefix_IsCaseSensitive_AndNotAPrefixMatch()
    {
        Assert.Equal(ExecCompiler.DefaultPath.Split(':').Select(d => d + "/x"), ExecCompiler.Candidates("x", ["path=/nope", "PATHX=/nope"]));
    }

    [Fact]
    public void Environment_AddsHomeOnlyWhenMissing()
    {
        var p = new Runsharp.Spec.Process { Env = ["PATH=/bin"] };
        Assert.Equal(["PATH=/bin", "HOME=/root"], ExecCompiler.Environment(p, "/root"));
        Assert.Equal(["PATH=/bin", "HOME=/"], ExecCompiler.Environment(p, null));
        p.Env = ["HOME=/h"];
        Assert.Equal(["HOME=/h"], ExecCompiler.Environment(p, "/root"));
        Assert.Equal(["HOME=/x"], ExecCompiler.Environment(new Runsharp.Spec.Process(), "/x"));
    }
}

public sealed class DeviceNumberTests
{
    [Theory]
    [InlineData(1, 3, 259)]                          // /dev/null
    [InlineData(1, 5, 0x105)]                        // /dev/zero
    [InlineData(5, 0, 0x500)]                        // /dev/tty
    [InlineData(8, 0, 0x800)]                        // sda
    [InlineData(10, 229, 0xae5)]                     // fuse
    [InlineData(259, 0, 0x10300)]                    // nvme: major above 255
    [InlineData(4095, 255, 0xfffff)]                 // largest "old" pair
    [InlineData(4096, 0, 0x100000000000)]            // major spills into the high bits
    [InlineData(0, 256, 0x100000)]                   // minor spills above bit 20
    [InlineData(0x12345, 0x6789a, 0x000120006783459a)]
    [InlineData(0xfffff, 0xfffff, 0x000ff000ffffffff)]
    [InlineData(0xffffffff, 0xffffffff, -1L)]        // every bit used
    public void MakeDev_MatchesGlibc(long major, long minor, long expected)
    {
        Assert.Equal(expected, DeviceCompiler.MakeDev(major, minor));
    }

    [Fact]
    public void MakeDev_RoundTripsThroughGlibcsMajorMinor()
    {
        // gnu_dev_major / gnu_dev_minor from sys/sysmacros.h, applied to the encoding.
        static long Major(ulong dev) => (long)(((dev >> 32) & 0xfffff000UL) | ((dev >> 8) & 0xfffUL));
        static long Minor(ulong dev) => (long)(((dev >> 12) & 0xffffff00UL) | (dev & 0xffUL));
        foreach (var (ma, mi) in new (long, long)[] { (0, 0), (1, 3), (254, 65535), (511, 1 << 20), (0xabcde, 0x12345678) })
        {
            ulong dev = (ulong)DeviceCompiler.MakeDev(ma, mi);
            Assert.Equal(ma, Major(dev));
            Assert.Equal(mi, Minor(dev));
        }
    }

    [Fact]
    public void MakeDev_OfDevNull_MatchesTheHost()
    {
        // stat(1) prints the host's st_rdev major/minor in hex; /dev/null is 1:3 everywhere.
        var psi = new System.Diagnostics.ProcessStartInfo("stat", "-c %t:%T /dev/null") { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal("1:3", text);
        Assert.Equal(259, DeviceCompiler.MakeDev(1, 3));
    }
}

// Not in parallel with other tests: one test counts this process's open namespace fds.
[Collection(FakeKernelCollection.Name)]
public sealed class NamespaceSetupTests
{
    private static int OpenUtsNsFds() =>
        Directory.GetFiles("/proc/self/fd").Count(f => { try { return new FileInfo(f).LinkTarget?.StartsWith("uts:[", StringComparison.Ordinal) == true; } catch (IOException) { return false; } });

    private static List<LinuxNamespace> Ns(params string[] types) => types.Select(t => new LinuxNamespace { Type = t }).ToList();

    [Fact]
    public void NewNamespaces_BecomeCloneFlags_AndOpenNothing()
    {
        using var s = NamespaceSetup.Open(Ns("pid", "network", "ipc", "uts", "mount", "user", "cgroup"));
        Assert.Equal(F.CLONE_NEWPID | F.CLONE_NEWNET | F.CLONE_NEWIPC | F.CLONE_NEWUTS | F.CLONE_NEWNS | F.CLONE_NEWUSER | F.CLONE_NEWCGROUP, s.CloneFlags);
        Assert.Empty(s.JoinFds);
        Assert.True(s.Has("mount") && s.IsNew("mount"));
    }

    [Fact]
    public void Empty_And_Null()
    {
        using var a = NamespaceSetup.Open(null);
        Assert.Equal(0, a.CloneFlags);
        using var b = NamespaceSetup.Open([]);
        Assert.Equal(0, b.CloneFlags);
        Assert.False(b.Has("pid"));
    }

    [Fact]
    public void Duplicate_NamesTheSecondEntry()
    {
        var e = Assert.Throws<ContainerException>(() => NamespaceSetup.Open(Ns("pid", "uts", "pid")));
        Assert.Equal("linux.namespaces[2].type: namespace \"pid\" is listed twice", e.Message);
    }

    [Fact]
    public void Unknown_NamesTheEntry()
    {
        var e = Assert.Throws<ContainerException>(() => NamespaceSetup.Open(Ns("pid", "net")));
        Assert.Equal("linux.namespaces[1].type: unknown namespace type \"net\"", e.Message);
    }

    [Fact]
    public void Time_IsANewNamespace_MadeAroundTheClone()
    {
        using var setup = NamespaceSetup.Open(Ns("time"));
        Assert.True(setup.IsNew("time"));
        // clone(2) cannot take CLONE_NEWTIME (its bit is in the exit-signal byte): the flag is handled by ForChildren.
        Assert.Equal(Runsharp.Linux.Native.Flags.CLONE_NEWTIME, setup.CloneFlags);
    }

    [Fact]
    public void Join_ByPath_OpensAndTypeChecks()
    {
        // Our own namespace files can be opened and inspected without privileges.
        var list = new List<LinuxNamespace> { new() { Type = "uts", Path = "/proc/self/ns/uts" }, new() { Type = "pid" } };
        using (var s = NamespaceSetup.Open(list))
        {
            Assert.Equal(F.CLONE_NEWPID, s.CloneFlags);
            Assert.True(s.Has("uts"));
            Assert.False(s.IsNew("uts"));
            Assert.True(s.JoinFds["uts"] > 2);
            Assert.Equal(1, OpenUtsNsFds());
        }
        Assert.Equal(0, OpenUtsNsFds()); // Dispose closed it

        var wrong = new List<LinuxNamespace> { new() { Type = "network", Path = "/proc/self/ns/uts" } };
        var e = Assert.Throws<ContainerException>(() => NamespaceSetup.Open(wrong));
        Assert.Equal("linux.namespaces[0].path: /proc/self/ns/uts is not a network namespace", e.Message);

        var missing = new List<LinuxNamespace> { new() { Type = "ipc", Path = "/nonexistent/ns" } };
        e = Assert.Throws<ContainerException>(() => NamespaceSetup.Open(missing));
        Assert.Equal("linux.namespaces[0].path: unable to open /nonexistent/ns: no such file or directory", e.Message);

        var notNs = new List<LinuxNamespace> { new() { Type = "ipc", Path = "/proc/self/status" } };
        e = Assert.Throws<ContainerException>(() => NamespaceSetup.Open(notNs));
        Assert.StartsWith("linux.namespaces[0].path: /proc/self/status is not a namespace file", e.Message);
    }

    [Fact]
    public void Join_DuplicateOfAJoinedType_IsReported_AndClosesTheOpenedFd()
    {
        var list = new List<LinuxNamespace> { new() { Type = "uts", Path = "/proc/self/ns/uts" }, new() { Type = "uts" } };
        int before = OpenUtsNsFds();
        var e = Assert.Throws<ContainerException>(() => NamespaceSetup.Open(list));
        Assert.Equal("linux.namespaces[1].type: namespace \"uts\" is listed twice", e.Message);
        Assert.Equal(before, OpenUtsNsFds());
    }
}
