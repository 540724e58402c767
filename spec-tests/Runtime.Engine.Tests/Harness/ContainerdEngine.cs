namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// containerd 1.6 driven with ctr: every container runs through containerd-shim-runc-v2 with the runtime options
/// BinaryName (ctr run --runc-binary) pointing at the runsharp wrapper and Root (--runc-root) in the temp dir.
/// </summary>
public sealed class ContainerdEngine : EngineFixture
{
    public const string Namespace = "runsharp-test";

    public ContainerdDaemon Daemon { get; }

    /// <summary>The shim's runtime root option: it calls runsharp with --root RuncRoot/&lt;namespace&gt;.</summary>
    public string RuncRoot => Path.Combine(Dir, "runc-root");

    public ContainerdEngine() : base("containerd", ["/run"], "containerd", "ctr", "containerd-shim-runc-v2")
    {
        Daemon = new ContainerdDaemon(World, Path.Combine(Dir, "containerd"));
        try
        {
            Daemon.Start();
            Ctr("images", "import", "--snapshotter", "native", BusyboxImage.Archive).Ok();
        }
        catch
        {
            try { Dispose(); } catch { /* the start failure is the one to report */ }
            throw;
        }
    }

    public CommandResult Ctr(params string[] args) => Daemon.Ctr(new[] { "--namespace", Namespace }.Concat(args).ToArray());

    /// <summary>ctr argv (for a tty under script(1), or a background foreground run).</summary>
    public string[] CtrArgv(params string[] args) => new[] { "ctr", "--address", Daemon.Socket, "--namespace", Namespace }.Concat(args).ToArray();

    /// <summary>The flags that make `ctr run` use runsharp, keep its state here, and put the container's cgroup under ours.</summary>
    public string[] RunFlags(string id) =>
        ["--snapshotter", "native", "--runc-binary", Runtime.Path, "--runc-root", RuncRoot, "--cgroup", $"{CgroupParent}/{id}"];

    public static string NewId() => "rs-" + Guid.NewGuid().ToString("N")[..10];

    protected override bool IsContainerCgroup(string name) => name.StartsWith("rs-", StringComparison.Ordinal);

    protected override void RemoveAllContainers()
    {
        foreach (var id in Ctr("tasks", "ls", "-q").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Ctr("tasks", "rm", "-f", id);
        foreach (var id in Ctr("containers", "ls", "-q").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Ctr("containers", "rm", id);
    }

    protected override void StopDaemons(List<string> problems) => Terminate("containerd", problems, TimeSpan.FromSeconds(20));
}
