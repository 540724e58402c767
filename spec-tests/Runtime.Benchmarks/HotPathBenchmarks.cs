using BenchmarkDotNet.Attributes;
using Runsharp.Container;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Plan;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Container.State;
using Runsharp.Spec;

namespace Runsharp.Benchmarks;

/// <summary>
/// The in-process work of `create` on a large engine-generated config: parse, validate, seccomp filter,
/// init plan, the plan's native block (the fork's buffers), state.json. No root needed: nothing is mounted,
/// forked or written outside a temp dir.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private LargeConfig _config = null!;
    private Spec.Spec _spec = null!;
    private InitContext _ctx = null!;
    private PlanBuilder _builder = null!;
    private StateStore _store = null!;
    private ContainerRecord _record = null!;
    private const string Id = "3f9c2a1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd";

    [GlobalSetup]
    public void Setup()
    {
        _config = new LargeConfig();
        _spec = SpecLoader.ParseConfig(_config.Json);
        var errors = SpecValidator.Validate(_spec, _config.BundleDir);
        if (errors.Count > 0) throw new InvalidOperationException("the benchmark config is invalid: " + string.Join("; ", errors));
        _ctx = Context(_config, _spec);
        _builder = CompilePlan();

        _store = new StateStore(Path.Combine(_config.Dir, "state"));
        _store.CreateContainerDir(Id).Dispose();
        _record = new ContainerRecord
        {
            OciVersion = _spec.OciVersion ?? "", Id = Id, Pid = 123456, PidStartTime = 987654321, Bundle = _config.BundleDir,
            Rootfs = _config.RootfsDir, Created = "2024-05-01T10:11:12.123456789Z", Owner = "",
            Annotations = _spec.Annotations is { } a ? new Dictionary<string, string>(a) : null,
            CgroupsPath = _spec.Linux?.CgroupsPath, CgroupMode = "legacy",
            CgroupV1 = new() { ["memory"] = "/sys/fs/cgroup/memory/machine.slice/libpod-x.scope", ["pids"] = "/sys/fs/cgroup/pids/machine.slice/libpod-x.scope" },
            CgroupCreatedDepth = 2,
        };
        _store.Write(_record);
    }

    [GlobalCleanup]
    public void Cleanup() => _config.Dispose();

    /// <summary>What a real create passes, with made-up fds and a v1 "cgroup" mount source.</summary>
    public static InitContext Context(LargeConfig config, Spec.Spec spec) => new()
    {
        Spec = spec,
        BundleDir = config.BundleDir,
        RootfsPath = config.RootfsDir,
        SyncWriteFd = 9, SyncReadFd = 7, GoReadFd = 5, GoWriteFd = 8, ExecFifoFd = 6,
        CloseInChild = [4],
        SessionKeyring = "_ses.3f9c2a1b7d4e",
        CapLastCap = 40,
        CgroupMount = new CgroupMountSource(false,
        [
            new("cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/machine.slice/libpod-x.scope", ["cpu", "cpuacct"]),
            new("memory", "/sys/fs/cgroup/memory/machine.slice/libpod-x.scope", []),
            new("pids", "/sys/fs/cgroup/pids/machine.slice/libpod-x.scope", []),
            new("devices", "/sys/fs/cgroup/devices/machine.slice/libpod-x.scope", []),
            new("freezer", "/sys/fs/cgroup/freezer/machine.slice/libpod-x.scope", []),
            new("blkio", "/sys/fs/cgroup/blkio/machine.slice/libpod-x.scope", []),
            new("cpuset", "/sys/fs/cgroup/cpuset/machine.slice/libpod-x.scope", []),
        ]),
    };

    [Benchmark(Description = "ParseConfig (large config.json)")]
    public Spec.Spec Parse() => SpecLoader.ParseConfig(_config.Json);

    [Benchmark(Description = "Validate")]
    public int Validate() => SpecValidator.Validate(_spec, _config.BundleDir).Count;

    [Benchmark(Description = "ParseConfig + Validate")]
    public int ParseAndValidate() => SpecValidator.Validate(SpecLoader.ParseConfig(_config.Json), _config.BundleDir).Count;

    [Benchmark(Description = "SeccompFilterBuilder.Build (docker-like profile)")]
    public int Seccomp() => SeccompFilterBuilder.Build(_spec.Linux!.Seccomp)!.InstructionCount;

    [Benchmark(Description = "InitPlanCompiler.Compile (incl. seccomp)")]
    public int Compile() => CompilePlan().StepCount;

    [Benchmark(Description = "PlanBuilder.Build (fork buffers)")]
    public long BuildNativePlan()
    {
        using var plan = _builder.Build(syncFd: 9);
        return (long)plan.Size;
    }

    [Benchmark(Description = "StateStore.Write")]
    public void StateWrite() => _store.Write(_record);

    [Benchmark(Description = "StateStore.Read")]
    public int StateRead() => _store.Read(Id).Pid;

    private PlanBuilder CompilePlan()
    {
        using var namespaces = NamespaceSetup.Open(_spec.Linux!.Namespaces);
        return InitPlanCompiler.Compile(_ctx, namespaces, home: "/var/lib/postgresql");
    }
}
