using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Exec;

/// <summary>
/// The last stage: find the program, close what must not leak, tell the parent we are ready,
/// reset signals, wait for `start` on exec.fifo, execve.
/// </summary>
public static class ExecCompiler
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Where to look for args[0]: itself if it has a slash, else each $PATH entry of the container's env.</summary>
    public static IReadOnlyList<string> Candidates(string program, IReadOnlyList<string> env)
    {
        if (program.Contains('/')) return [program];
        string path = DefaultPath;
        foreach (var e in env)
            if (e.StartsWith("PATH=", StringComparison.Ordinal)) path = e[5..];
        return path.Split(':').Select(dir => (dir.Length == 0 ? "." : dir.TrimEnd('/')) + "/" + program).ToList();
    }

    public static Slot CompileResolve(PlanBuilder plan, OciProcess process, IReadOnlyList<string> env)
    {
        var args = process.Args!;
        var candidates = Candidates(args[0], env).Select(plan.String).ToList();
        var exe = plan.NewSlot();
        bool searched = !args[0].Contains('/');
        string what = searched ? $"exec: \"{args[0]}\"" : $"exec: \"{args[0]}\": stat {args[0]}";
        plan.Step(what, StepKind.ResolveExecutable, plan.PointerArray(candidates), searched ? 1 : 0, result: exe);
        return exe;
    }

    /// <param name="fdsMarked">true when <see cref="CompileCloseOnExec"/> already ran earlier (before a seccomp load).</param>
    public static void CompileHandOff(PlanBuilder plan, int syncFd, int fifoFd, int preserveFds, bool fdsMarked = false)
    {
        if (!fdsMarked) CompileCloseOnExec(plan, preserveFds);
        plan.Syscall("unable to clear the parent-death signal", Sys.prctl, Flags.PR_SET_PDEATHSIG, 0);
        var ready = new byte[16];
        BitConverter.TryWriteBytes(ready.AsSpan(0), SyncRecord.Ready);
        plan.Syscall("unable to report readiness to the runtime", Sys.write, syncFd, plan.Bytes(ready), ready.Length);
        plan.Step("setup done", StepKind.SetupDone);
        plan.Step("unable to reset signal handlers", StepKind.ResetSignals);
        if (fifoFd >= 0) plan.Step("unable to wait for start on exec.fifo", StepKind.ReadByte, fifoFd);
    }

    public static void CompileCloseOnExec(PlanBuilder plan, int preserveFds) =>
        plan.Syscall("unable to mark inherited file descriptors close-on-exec", Sys.close_range, 3 + preserveFds, uint.MaxValue, Flags.CLOSE_RANGE_CLOEXEC);

    public static void CompileExecve(PlanBuilder plan, OciProcess process, Slot exe, IReadOnlyList<string> env)
    {
        var argv = plan.PointerArray(process.Args!.Select(plan.String).ToList());
        var envp = plan.PointerArray(env.Select(plan.String).ToList());
        plan.Syscall($"exec: \"{process.Args![0]}\"", Sys.execve, exe, argv, envp);
    }

    /// <summary>The environment as the program sees it: the spec's, plus HOME when the spec has none (as runc does).</summary>
    public static IReadOnlyList<string> Environment(OciProcess process, string? home)
    {
        var env = new List<string>(process.Env ?? []);
        if (!env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal))) env.Add("HOME=" + (home ?? "/"));
        return env;
    }
}
