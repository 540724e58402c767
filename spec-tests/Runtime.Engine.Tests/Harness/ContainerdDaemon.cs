namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// A private containerd (used by the containerd tests through ctr, and by dockerd as its --containerd): root, state,
/// sockets under its own dir; the CRI plugin off (no CNI, no pause image), the "opt" plugin off (it would create
/// /opt/containerd), and the snapshotters that need other filesystems off.
/// </summary>
public sealed class ContainerdDaemon
{
    public string Dir { get; }
    public string Socket => Path.Combine(Dir, "containerd.sock");
    public string ConfigFile => Path.Combine(Dir, "config.toml");
    public string LogFile => Path.Combine(Dir, "containerd.log");

    private readonly EngineWorld _world;

    public ContainerdDaemon(EngineWorld world, string dir)
    {
        _world = world;
        Dir = dir;
        Directory.CreateDirectory(dir);
        File.WriteAllText(ConfigFile, $"""
            version = 2
            root = "{dir}/root"
            state = "{dir}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs",
                                "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

            [grpc]
              address = "{Socket}"

            [ttrpc]
              address = "{Socket}.ttrpc"

            """);
    }

    public void Start()
    {
        _world.StartDaemon(["containerd", "--config", ConfigFile], LogFile);
        Poll.Until(() => File.Exists(Socket) && Ctr("version").ExitCode == 0, () => $"containerd to serve {Socket}:\n{Log()}");
    }

    public CommandResult Ctr(params string[] args) =>
        _world.Run(new[] { "ctr", "--address", Socket }.Concat(args));

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";
}
