using System.Text;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Hooks;

/// <summary>
/// Runs OCI hooks: each one forked through the same plan machinery as the init (a tiny plan: stdin from a
/// pipe, output to a memfd, optionally setns into the container's namespaces, reset signals, execve), with
/// the state JSON on stdin and its timeout enforced through a pidfd.
/// </summary>
public static class HookRunner
{
    /// <param name="phase">"createRuntime", "poststop", ... as the spec names the list.</param>
    /// <param name="containerPid">When &gt; 0 the hook runs in that process's namespaces (createContainer, startContainer).</param>
    public static void Run(string phase, IReadOnlyList<Hook>? hooks, Spec.State state, int containerPid = 0)
    {
        for (int i = 0; i < (hooks?.Count ?? 0); i++)
            RunOne(phase, i, hooks![i], state, containerPid);
    }

    /// <summary>Runs every hook; failures become warnings (poststart, poststop).</summary>
    public static void RunAll(string phase, IReadOnlyList<Hook>? hooks, Spec.State state, Action<string>? warn)
    {
        for (int i = 0; i < (hooks?.Count ?? 0); i++)
        {
            try { RunOne(phase, i, hooks![i], state, 0); }
            catch (ContainerException e) { warn?.Invoke(e.Message); }
        }
    }

    private static void RunOne(string phase, int index, Hook hook, Spec.State state, int containerPid)
    {
        string what = $"error running {phase} hook #{index} ({hook.Path})";
        var fds = new List<int>();
        int pid = -1;
        try
        {
            var (stdinRead, stdinWrite) = Posix.Pipe(what);
            fds.Add(stdinRead); fds.Add(stdinWrite);
            var (syncRead, syncWrite) = Posix.Pipe(what);
            fds.Add(syncRead); fds.Add(syncWrite);
            int output = Posix.MemfdCreate("runsharp-hook-output", what);
            fds.Add(output);
            var nsFds = containerPid > 0 ? OpenNamespaces(containerPid, what) : [];
            fds.AddRange(nsFds.Select(n => n.Fd));

            var plan = new PlanBuilder();
            plan.Syscall("close", Sys.close, syncRead);
            plan.Syscall("close", Sys.close, stdinWrite);
            plan.Syscall($"{what}: stdin", Sys.dup3, stdinRead, 0, 0);
            plan.Syscall($"{what}: stdout", Sys.dup3, output, 1, 0);
            plan.Syscall($"{what}: stderr", Sys.dup3, output, 2, 0);
            foreach (var (fd, flag, name) in nsFds)
                plan.Syscall($"{what}: unable to join the container's {name} namespace", Sys.setns, fd, flag);
            plan.Step($"{what}: signals", StepKind.ResetSignals);
            var args = (hook.Args is { Count: > 0 } a ? a : [hook.Path]).Select(plan.String).ToList();
            var env = (hook.Env ?? []).Select(plan.String).ToList();
            plan.Syscall(what, Sys.execve, plan.String(hook.Path), plan.PointerArray(args), plan.PointerArray(env));
            using var native = plan.Build(syncWrite);

            pid = InitLauncher.Fork(native, 0);
            Posix.Close(syncWrite); fds.Remove(syncWrite);
            Posix.Close(stdinRead); fds.Remove(stdinRead);
            // An error record means the exec failed; end of file means the hook is running.
            Span<byte> rec = stackalloc byte[16];
            if (Posix.ReadFull(syncRead, rec, what) == 16)
            {
                var r = System.Runtime.InteropServices.MemoryMarshal.Read<Process.Child.SyncRecord>(rec);
                Posix.WaitPid(pid, 0);
                pid = -1;
                throw new ContainerException(InitLauncher.Describe(r, native.Descriptions));
            }
            try { Posix.WriteAll(stdinWrite, Encoding.UTF8.GetBytes(SpecJson.Serialize(state)), what); }
            catch (LinuxException e) when (e.ErrorNumber == Errno.EPIPE) { } // the hook need not read its stdin
            Posix.Close(stdinWrite); fds.Remove(stdinWrite);

            int status = Wait(pid, hook.Timeout, what);
            pid = -1;
            if (status != 0)
                throw new ContainerException($"{what}: exit status {Posix.ExitCodeOf(status)}{Tail(output)}");
        }
        finally
        {
            if (pid > 0) { Posix.Kill(pid, Flags.SIGKILL); Posix.WaitPid(pid, 0); }
            foreach (var fd in fds) Posix.Close(fd);
        }
    }

    private static int Wait(int pid, int? timeoutSeconds, string what)
    {
        if (timeoutSeconds is > 0)
        {
            int pidfd = Posix.PidfdOpen(pid);
            try
            {
                if (pidfd >= 0 && !Posix.WaitForExit(pidfd, timeoutSeconds.Value * 1000))
                {
                    Posix.Kill(pid, Flags.SIGKILL);
                    Posix.WaitPid(pid, 0);
                    throw new ContainerException($"{what}: timeout after {timeoutSeconds} seconds");
                }
            }
            finally { Posix.Close(pidfd); }
        }
        return Posix.WaitPid(pid, 0).Status;
    }

    /// <summary>The hook's output, for the error message (runc shows it too).</summary>
    private static unsafe string Tail(int memfd)
    {
        var buf = new byte[4096];
        long n;
        fixed (byte* p = buf) n = RawSyscall.Invoke(Sys.pread64, memfd, (long)p, buf.Length, 0);
        if (n <= 0) return "";
        return ", output: " + Encoding.UTF8.GetString(buf, 0, (int)n).Trim();
    }

    private static List<(int Fd, long Flag, string Name)> OpenNamespaces(int pid, string what)
    {
        var list = new List<(int, long, string)>();
        foreach (var (name, flag) in new[] { ("ipc", Flags.CLONE_NEWIPC), ("uts", Flags.CLONE_NEWUTS), ("net", Flags.CLONE_NEWNET),
                     ("cgroup", Flags.CLONE_NEWCGROUP), ("mnt", Flags.CLONE_NEWNS) })
        {
            // Only namespaces that differ from ours: joining our own is pointless and may be refused.
            string theirs = $"/proc/{pid}/ns/{name}";
            try
            {
                if (new FileInfo(theirs).LinkTarget == new FileInfo($"/proc/self/ns/{name}").LinkTarget) continue;
            }
            catch (IOException) { continue; }
            int fd = Posix.TryOpen(theirs, Flags.O_RDONLY);
            if (fd < 0) throw new ContainerException($"{what}: unable to open {theirs}: {Errno.Message(-fd)}");
            list.Add((fd, flag, name));
        }
        return list;
    }
}
