namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// podman 4.3 with conmon, configured by its own containers.conf (CONTAINERS_CONF): runsharp is the default
/// runtime, listed in runtime_supports_json so that conmon passes --log and --log-format json. Storage is vfs
/// under the temp dir, no network (netns none, loopback only), the cgroupfs manager.
/// </summary>
public sealed class PodmanEngine : DockerCliEngine
{
    public string ContainersConf => Path.Combine(Dir, "containers.conf");
    public string StorageConf => Path.Combine(Dir, "storage.conf");
    private string RegistriesConf => Path.Combine(Dir, "registries.conf");

    // podman keeps its lock in /dev/shm and its blob-info cache in /var/lib/containers/cache whatever it is told.
    public PodmanEngine() : base("podman", ["/run", "/var/lib", "/dev/shm"], "podman", "conmon")
    {
        try
        {
            File.WriteAllText(ContainersConf, ContainersConfText());
            File.WriteAllText(StorageConf, $"""
                [storage]
                driver = "vfs"
                runroot = "{Dir}/runroot"
                graphroot = "{Dir}/graphroot"

                """);
            File.WriteAllText(RegistriesConf, "");
            Cli("load", "-i", BusyboxImage.Archive).Ok();
        }
        catch
        {
            try { Dispose(); } catch { /* the start failure is the one to report */ }
            throw;
        }
    }

    private string ContainersConfText()
    {
        var env = string.Join(", ", new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }
            .Concat(CliEnvironment.Select(kv => $"{kv.Key}={kv.Value}")).Select(v => $"\"{v}\""));
        // podman gives root containers RLIMIT_NOFILE and RLIMIT_NPROC of 1048576, above the hard limits here; raising
        // a hard limit needs CAP_SYS_RESOURCE, which some test hosts (this one) do not give root.
        var ulimits = HasCapability(24 /* CAP_SYS_RESOURCE */) ? "" : """default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]""";
        return $"""
            [containers]
            netns = "none"
            {ulimits}

            [engine]
            runtime = "runsharp"
            runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "runsharp"]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            events_logfile_path = "{Dir}/events.log"
            tmp_dir = "{Dir}/tmp"
            volume_path = "{Dir}/volumes"
            # conmon runs `podman container cleanup` when a container exits: it must find this same configuration.
            conmon_env_vars = [{env}]

            [engine.runtimes]
            runsharp = ["{Runtime.Path}"]

            [network]
            network_backend = "cni"
            network_config_dir = "{Dir}/cni"

            """;
    }

    private static bool HasCapability(int cap)
    {
        var line = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return ((Convert.ToUInt64(line[7..].Trim(), 16) >> cap) & 1) == 1;
    }

    protected override string CliPath => "podman";

    protected override IReadOnlyDictionary<string, string> CliEnvironment => new Dictionary<string, string>
    {
        ["CONTAINERS_CONF"] = ContainersConf,
        ["CONTAINERS_STORAGE_CONF"] = StorageConf,
        ["CONTAINERS_REGISTRIES_CONF"] = RegistriesConf,
    };

    public override string[] RunFlags => ["--cgroup-parent", CgroupParent];

    public override string[] ForceRemove => ["rm", "-f", "-t", "0"];

    protected override bool IsContainerCgroup(string name) => name.StartsWith("libpod-", StringComparison.Ordinal);

    protected override void StopDaemons(List<string> problems) { /* podman has none; conmon exits with its container */ }
}
