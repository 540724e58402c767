namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// What an engine run could leave on the host outside its temp dir: the fixed paths the engines write by default,
/// network interfaces, and cgroups (which no mount namespace hides). Taken before the engine starts and compared
/// after it stopped.
/// </summary>
public sealed class HostLeftovers
{
    // Defaults of containerd, dockerd, podman/conmon and the runtimes that a private config must have moved away.
    private static readonly string[] KnownPaths =
    [
        "/run/containerd", "/var/lib/containerd", "/opt/containerd",
        "/run/docker", "/run/docker.sock", "/var/lib/docker", "/etc/docker/key.json",
        "/run/containers", "/run/libpod", "/var/lib/containers", "/dev/shm/libpod_lock", "/var/lib/cni", "/run/netns",
        "/run/runsharp", "/run/runc",
    ];

    // Host settings an engine changes when it runs in the host's network namespace (dockerd: ip_forward).
    private static readonly string[] Sysctls =
        ["/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding", "/proc/sys/net/ipv4/conf/all/route_localnet"];

    private readonly HashSet<string> _paths;
    private readonly HashSet<string> _interfaces;
    private readonly Dictionary<string, string> _sysctls;

    /// <summary>The cgroup every container of this engine goes under: "/runsharp-engines-HOSTPID-NAME".</summary>
    public string CgroupParent { get; }

    public HostLeftovers(string engine)
    {
        _paths = KnownPaths.Where(p => File.Exists(p) || Directory.Exists(p)).ToHashSet();
        _interfaces = Interfaces();
        _sysctls = ReadSysctls();
        CgroupParent = $"/runsharp-engines-{Environment.ProcessId}-{engine}";
    }

    private static Dictionary<string, string> ReadSysctls() =>
        Sysctls.Where(File.Exists).ToDictionary(p => p, p => File.ReadAllText(p).Trim());

    private static HashSet<string> Interfaces() => Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).ToHashSet()!;

    /// <summary>Directories of <see cref="CgroupParent"/> in every mounted hierarchy (v1 controllers, v2).</summary>
    public IEnumerable<string> CgroupDirs() =>
        File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && f[2] is "cgroup" or "cgroup2")
            .Select(f => Path.Combine(f[1], CgroupParent.TrimStart('/'))).Distinct().Where(Directory.Exists).ToList();

    /// <summary>
    /// Reports new host paths and interfaces, and cgroups under the engine's parent that still hold processes or
    /// are a container's own (named in <paramref name="containerCgroup"/>); then removes the engine's cgroup tree.
    /// </summary>
    public List<string> Check(Func<string, bool> containerCgroup)
    {
        var problems = new List<string>();
        foreach (var p in KnownPaths.Where(p => !_paths.Contains(p) && (File.Exists(p) || Directory.Exists(p))))
            problems.Add($"the engine left {p} on the host");
        foreach (var i in Interfaces().Where(i => !_interfaces.Contains(i)))
            problems.Add($"new network interface on the host: {i}");
        foreach (var (path, value) in ReadSysctls().Where(kv => _sysctls.GetValueOrDefault(kv.Key) != kv.Value))
            problems.Add($"host setting {path} changed from {_sysctls.GetValueOrDefault(path)} to {value}");
        foreach (var top in CgroupDirs())
        {
            foreach (var dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).Append(top).OrderByDescending(d => d.Length))
            {
                var procs = File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Trim();
                if (procs.Length > 0) problems.Add($"cgroup {dir} still has processes: {procs.Replace('\n', ' ')}");
                else if (containerCgroup(Path.GetFileName(dir))) problems.Add($"container cgroup {dir} left behind");
                try { Directory.Delete(dir); } catch (IOException) { /* reported above */ }
            }
        }
        return problems;
    }
}
