using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Runsharp.Benchmarks;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Process;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Spec;

// `--describe`: print the shape of the benchmark config (sizes, counts) and exit; the harness quotes it.
if (args is ["--describe"])
{
    using var config = new LargeConfig();
    var spec = SpecLoader.ParseConfig(config.Json);
    var errors = SpecValidator.Validate(spec, config.BundleDir);
    var filter = SeccompFilterBuilder.Build(spec.Linux!.Seccomp)!;
    using var namespaces = NamespaceSetup.Open(spec.Linux.Namespaces);
    var builder = InitPlanCompiler.Compile(HotPathBenchmarks.Context(config, spec), namespaces, "/var/lib/postgresql");
    using var plan = builder.Build(9);
    Console.WriteLine($"config.json {config.Json.Length} bytes, {spec.Mounts!.Count} mounts, " +
        $"{spec.Linux.Seccomp!.Syscalls!.Sum(s => s.Names.Count)} seccomp syscall names in {spec.Linux.Seccomp.Syscalls!.Count} rules, " +
        $"{spec.Linux.MaskedPaths!.Count} masked + {spec.Linux.ReadonlyPaths!.Count} read-only paths, {spec.Process!.Env!.Count} env vars; " +
        $"validation errors: {errors.Count}; BPF {filter.InstructionCount} instructions; plan {builder.StepCount} steps, {plan.Size} bytes");
    return errors.Count == 0 ? 0 : 1;
}

// A short job (3 warmups, 3 iterations) run in-process: no per-benchmark project build, so `make bench`
// stays within minutes. Pass BenchmarkDotNet's own options (--filter, --job, ...) to override.
var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess");
var cfg = DefaultConfig.Instance.AddJob(job.AsDefault());
if (args.Length == 0) args = ["--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args, cfg);
return 0;
