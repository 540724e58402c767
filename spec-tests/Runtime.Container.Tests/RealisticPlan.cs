using Runsharp.Container.Namespaces;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Plan;
using Runsharp.Spec;

namespace Runsharp.Container.Tests;

/// <summary>
/// A plan compiled from a realistic spec (runc's template plus a directory and a file bind mount, a tmpfs
/// with options and propagation, devices, a non-root user with extra groups, ambient caps), with the fds
/// a real create would pass. Only new namespaces, so compiling opens nothing.
/// </summary>
public sealed class RealisticPlan : IDisposable
{
    public const int SyncWriteFd = 99, SyncReadFd = 7, GoReadFd = 5, GoWriteFd = 8, ExecFifoFd = 6, LockFd = 4;
    public const uint Uid = 1000, Gid = 1001;
    public static readonly uint[] ExtraGids = [10, 20, 30];

    public Spec.Spec Spec { get; }
    public PlanBuilder Builder { get; }
    public NativePlan Plan { get; }
    private readonly string _tmp;

    public unsafe PlanHeader* Header => Plan.Header;

    public RealisticPlan()
    {
        _tmp = Path.Combine(Path.GetTempPath(), "runsharp-ct-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(_tmp, "bundle", "rootfs"));
        Directory.CreateDirectory(Path.Combine(_tmp, "data"));
        File.WriteAllText(Path.Combine(_tmp, "hosts"), "127.0.0.1 localhost\n");

        Spec = BuildSpec(_tmp);
        var ctx = new InitContext
        {
            Spec = Spec,
            BundleDir = Path.Combine(_tmp, "bundle"),
            RootfsPath = Path.Combine(_tmp, "bundle", "rootfs"),
            SyncWriteFd = SyncWriteFd,
            SyncReadFd = SyncReadFd,
            GoReadFd = GoReadFd,
            GoWriteFd = GoWriteFd,
            ExecFifoFd = ExecFifoFd,
            CloseInChild = [LockFd],
            CapLastCap = 40,
        };
        using var namespaces = NamespaceSetup.Open(Spec.Linux!.Namespaces);
        Assert.Empty(namespaces.JoinFds);
        Builder = InitPlanCompiler.Compile(ctx, namespaces, home: "/home/app");
        Plan = Builder.Build(syncFd: SyncWriteFd);
    }

    public static Spec.Spec BuildSpec(string tmp)
    {
        var spec = DefaultSpec.Create(false);
        var p = spec.Process!;
        p.Terminal = false;
        p.Args = ["true", "--flag"];
        p.Cwd = "/work/dir";
        p.User = new User { Uid = Uid, Gid = Gid, AdditionalGids = [.. ExtraGids], Umask = 0x3f };
        p.Rlimits = [new PosixRlimit { Type = "RLIMIT_NOFILE", Hard = 4096, Soft = 1024 }, new PosixRlimit { Type = "RLIMIT_NPROC", Hard = 64, Soft = 64 }];
        p.Capabilities!.Ambient = ["CAP_NET_BIND_SERVICE"];
        p.Capabilities.Inheritable = ["CAP_NET_BIND_SERVICE"];
        spec.Hostname = "fake-host";
        spec.Domainname = "example.org";
        spec.Mounts!.Add(new Mount { Destination = "/data", Type = "bind", Source = Path.Combine(tmp, "data"), Options = ["rbind", "ro", "nosuid"] });
        spec.Mounts.Add(new Mount { Destination = "/etc/hosts", Type = "bind", Source = Path.Combine(tmp, "hosts"), Options = ["bind", "ro"] });
        spec.Mounts.Add(new Mount { Destination = "/scratch", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "nodev", "mode=1777", "size=1m", "rprivate"] });
        spec.Linux!.Devices =
        [
            new LinuxDevice { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 0x1b6, Uid = 0, Gid = 0 },
            new LinuxDevice { Path = "/dev/disks/sda", Type = "b", Major = 8, Minor = 0, FileMode = 0x1a0 },
        ];
        spec.Linux.MaskedPaths!.Add("/proc/secret");
        spec.Linux.ReadonlyPaths!.Add("/proc/sys/extra");
        return spec;
    }

    public void Dispose()
    {
        Plan.Dispose();
        try { Directory.Delete(_tmp, true); } catch (IOException) { }
    }
}
