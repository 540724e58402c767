namespace Runsharp.Spec;

/// <summary>
/// The config that <c>runsharp spec</c> writes. Deliberately the same content as <c>runc spec</c>
/// (hostname included), so scripts and tests written against runc's template keep working.
/// </summary>
public static class DefaultSpec
{
    /// <summary>The runtime-spec version we write and implement.</summary>
    public const string OciVersion = "1.2.0";

    /// <summary>
    /// Builds the template. <paramref name="hostUid"/>/<paramref name="hostGid"/> are the caller's effective
    /// ids, mapped to root in the rootless variant. <paramref name="cgroupNamespace"/> adds a cgroup
    /// namespace, which runc does only on a cgroup v2 (unified) host.
    /// </summary>
    public static Spec Create(bool rootless, uint hostUid = 0, uint hostGid = 0, bool cgroupNamespace = false)
    {
        string[] defaultCaps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
        var spec = new Spec
        {
            OciVersion = OciVersion,
            Root = new Root { Path = "rootfs", Readonly = true },
            Process = new Process
            {
                Terminal = true,
                User = new User(),
                Args = ["sh"],
                Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                Cwd = "/",
                NoNewPrivileges = true,
                Capabilities = new LinuxCapabilities
                {
                    Bounding = [.. defaultCaps],
                    Effective = [.. defaultCaps],
                    Permitted = [.. defaultCaps],
                },
                Rlimits = [new PosixRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }],
            },
            Hostname = "runc",
            Mounts =
            [
                NewMount("/proc", "proc", "proc", null),
                NewMount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
                NewMount("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
                NewMount("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
                NewMount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
                NewMount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
                NewMount("/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"]),
            ],
            Linux = new Linux
            {
                MaskedPaths =
                [
                    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
                ],
                ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
                // Deny every device; the runtime adds the default ones (null, zero, tty, ...) itself.
                Resources = new LinuxResources { Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }] },
                Namespaces =
                [
                    new LinuxNamespace { Type = NamespaceTypes.Pid },
                    new LinuxNamespace { Type = NamespaceTypes.Network },
                    new LinuxNamespace { Type = NamespaceTypes.Ipc },
                    new LinuxNamespace { Type = NamespaceTypes.Uts },
                    new LinuxNamespace { Type = NamespaceTypes.Mount },
                ],
            },
        };
        if (cgroupNamespace) spec.Linux.Namespaces.Add(new LinuxNamespace { Type = NamespaceTypes.Cgroup });
        if (rootless) MakeRootless(spec, hostUid, hostGid);
        return spec;
    }

    /// <summary>
    /// Adapts a spec for an unprivileged caller: a user namespace mapping the caller to root, no network
    /// namespace (it could not be configured), /sys bind-mounted (sysfs cannot be mounted without a netns
    /// of our own), no uid=/gid= mount options (those ids are not mapped), and no cgroup limits.
    /// </summary>
    public static void MakeRootless(Spec spec, uint hostUid, uint hostGid)
    {
        spec.Linux ??= new Linux();
        var namespaces = (spec.Linux.Namespaces ?? [])
            .Where(ns => ns.Type is not (NamespaceTypes.Network or NamespaceTypes.User))
            .ToList();
        namespaces.Add(new LinuxNamespace { Type = NamespaceTypes.User });
        spec.Linux.Namespaces = namespaces;
        spec.Linux.UidMappings = [new LinuxIdMapping { ContainerId = 0, HostId = hostUid, Size = 1 }];
        spec.Linux.GidMappings = [new LinuxIdMapping { ContainerId = 0, HostId = hostGid, Size = 1 }];

        var mounts = new List<Mount>();
        foreach (var mount in spec.Mounts ?? [])
        {
            if (mount.Destination.TrimEnd('/') == "/sys")
            {
                mounts.Add(NewMount("/sys", "none", "/sys", ["rbind", "nosuid", "noexec", "nodev", "ro"]));
                continue;
            }
            var options = mount.Options?.Where(o => !o.StartsWith("uid=", StringComparison.Ordinal) && !o.StartsWith("gid=", StringComparison.Ordinal)).ToList();
            mount.Options = options is { Count: > 0 } ? options : null;
            mounts.Add(mount);
        }
        spec.Mounts = mounts;
        spec.Linux.Resources = null;
    }

    private static Mount NewMount(string destination, string type, string source, List<string>? options) =>
        new() { Destination = destination, Type = type, Source = source, Options = options };
}
