namespace Runtime.Engine.Tests.Harness;

/// <summary>An engine driven by a docker-compatible CLI (docker, podman): the same run/exec/pause/stop/kill/rm verbs.</summary>
public abstract class DockerCliEngine : EngineFixture
{
    protected DockerCliEngine(string name, IEnumerable<string> privateTmpfs, params string[] tools) : base(name, privateTmpfs, tools) { }

    /// <summary>The CLI binary (docker.io's /usr/bin/docker, not another docker on the PATH; or podman).</summary>
    protected abstract string CliPath { get; }

    /// <summary>Environment the CLI needs to find this private engine.</summary>
    protected abstract IReadOnlyDictionary<string, string> CliEnvironment { get; }

    /// <summary>Flags every `run` gets (the runtime, the cgroup parent where the engine has no daemon-wide one).</summary>
    public abstract string[] RunFlags { get; }

    public CommandResult Cli(params string[] args) => World.Run(CliArgv(args));

    public CommandResult Cli(string[] args, string stdin) => World.Run(CliArgv(args), stdin);

    /// <summary>The CLI argv with its environment (env K=V ... cli args), for script(1) or a background run.</summary>
    public string[] CliArgv(params string[] args) =>
        ["env", .. CliEnvironment.Select(kv => $"{kv.Key}={kv.Value}"), CliPath, .. args];

    public string Inspect(string id, string format) => Cli("inspect", "--format", format, id).Ok().Out;

    /// <summary>`rm -f` that kills at once (podman's would first wait out its stop timeout).</summary>
    public virtual string[] ForceRemove => ["rm", "-f"];

    protected override void RemoveAllContainers()
    {
        var ids = Cli("ps", "-aq").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length > 0) Cli([.. ForceRemove, .. ids]);
    }
}
