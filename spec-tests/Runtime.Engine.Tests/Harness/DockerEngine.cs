namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// dockerd 20.10 (docker.io) on its own containerd, with runsharp added in daemon.json "runtimes" and made the
/// "default-runtime" (so that the classic builder's RUN steps use it too). No network: --bridge=none and no
/// iptables; vfs storage; every path under the temp dir, except /etc/docker/key.json, which dockerd 20.10 always
/// writes and which lands on the world's private tmpfs.
/// </summary>
public sealed class DockerEngine : DockerCliEngine
{
    public ContainerdDaemon Containerd { get; }
    public string Socket => Path.Combine(Dir, "docker.sock");
    public string DaemonJson => Path.Combine(Dir, "daemon.json");
    public string LogFile => Path.Combine(Dir, "dockerd.log");

    public DockerEngine() : base("docker", ["/run", "/etc/docker"], "dockerd", "/usr/bin/docker", "containerd", "containerd-shim-runc-v2")
    {
        Containerd = new ContainerdDaemon(World, Path.Combine(Dir, "containerd"));
        try
        {
            Containerd.Start();
            File.WriteAllText(DaemonJson, $$"""
                {
                  "runtimes": { "runsharp": { "path": "{{Runtime.Path}}" } },
                  "default-runtime": "runsharp"
                }

                """);
            World.StartDaemon(["dockerd", "--config-file", DaemonJson, "--containerd", Containerd.Socket,
                "--data-root", Path.Combine(Dir, "data"), "--exec-root", Path.Combine(Dir, "exec"),
                "--pidfile", Path.Combine(Dir, "dockerd.pid"), "--host", $"unix://{Socket}",
                "--bridge", "none", "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--ip-forward=false", "--userland-proxy=false",
                "--storage-driver", "vfs", "--cgroup-parent", CgroupParent], LogFile);
            Poll.Until(() => File.Exists(Socket) && Cli("version").ExitCode == 0,
                () => $"dockerd to serve {Socket}:\n{File.ReadAllText(LogFile)}", TimeSpan.FromSeconds(60));
            Cli("load", "-i", BusyboxImage.Archive).Ok();
        }
        catch
        {
            try { Dispose(); } catch { /* the start failure is the one to report */ }
            throw;
        }
    }

    protected override string CliPath => "/usr/bin/docker";

    // DOCKER_BUILDKIT=0: dockerd 20.10's BuildKit runs RUN steps with its own runc executor ("runc" from PATH), never
    // with the daemon's runtimes; the classic builder creates ordinary containers, which use the default runtime.
    protected override IReadOnlyDictionary<string, string> CliEnvironment => new Dictionary<string, string>
    {
        ["DOCKER_HOST"] = $"unix://{Socket}",
        ["DOCKER_CONFIG"] = Path.Combine(Dir, "cli"),
        ["DOCKER_BUILDKIT"] = "0",
    };

    public override string[] RunFlags => ["--runtime", "runsharp"];

    protected override bool IsContainerCgroup(string name) => name.Length == 64 && name.All(Uri.IsHexDigit);

    protected override void StopDaemons(List<string> problems)
    {
        Terminate("dockerd", problems, TimeSpan.FromSeconds(30));
        Terminate("containerd", problems, TimeSpan.FromSeconds(20));
    }
}
