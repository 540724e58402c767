using System.Runtime.InteropServices;
using System.Text;
using Runsharp.Container.Process.Child;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Process;

/// <summary>What a host program did: its wait status and everything it wrote to stdout and stderr.</summary>
public readonly record struct HostCommandResult(int WaitStatus, string Output)
{
    public bool Succeeded => WaitStatus == 0;

    /// <summary>Go's wording for a failed command ("exit status 1", "signal: 9"), which runc's errors carry.</summary>
    public string Describe() => (WaitStatus & 0x7f) == 0 ? $"exit status {(WaitStatus >> 8) & 0xff}" : $"signal: {WaitStatus & 0x7f}";
}

/// <summary>
/// Runs a program on the host, outside any container, with the runtime's environment, stdin on /dev/null and
/// stdout+stderr together (runc's `ps` runs the host's ps this way). Forked through the plan machinery: the
/// child only dups fds, resets signals and execs.
/// </summary>
public static class HostCommand
{
    public static HostCommandResult Run(string name, IReadOnlyList<string> args)
    {
        string path = LookPath(name);
        string what = $"unable to run {path}";
        var fds = new List<int>();
        int pid = -1;
        try
        {
            var (syncRead, syncWrite) = Posix.Pipe(what);
            fds.Add(syncRead); fds.Add(syncWrite);
            int devNull = Posix.Open("/dev/null", Flags.O_RDONLY);
            fds.Add(devNull);
            // A memfd, not a pipe: the output can be large and nobody reads while the program runs.
            int output = Posix.MemfdCreate("runsharp-host-command", what);
            fds.Add(output);

            var plan = new PlanBuilder();
            plan.Syscall("close", Sys.close, syncRead);
            plan.Syscall($"{what}: stdin", Sys.dup3, devNull, 0, 0);
            plan.Syscall($"{what}: stdout", Sys.dup3, output, 1, 0);
            plan.Syscall($"{what}: stderr", Sys.dup3, output, 2, 0);
            plan.Step($"{what}: signals", StepKind.ResetSignals);
            var argv = new[] { name }.Concat(args).Select(plan.String).ToList();
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Select(e => plan.String($"{e.Key}={e.Value}")).ToList();
            plan.Syscall(what, Sys.execve, plan.String(path), plan.PointerArray(argv), plan.PointerArray(env));
            using var native = plan.Build(syncWrite);

            pid = InitLauncher.Fork(native, 0);
            Posix.Close(syncWrite); fds.Remove(syncWrite);
            // An error record means the exec failed; end of file means the program is running.
            Span<byte> rec = stackalloc byte[16];
            if (Posix.ReadFull(syncRead, rec, what) == 16)
            {
                var r = MemoryMarshal.Read<SyncRecord>(rec);
                Posix.WaitPid(pid, 0);
                pid = -1;
                throw new ContainerException(InitLauncher.Describe(r, native.Descriptions));
            }
            int status = Posix.WaitPid(pid, 0).Status;
            pid = -1;
            return new HostCommandResult(status, ReadAll(output));
        }
        finally
        {
            if (pid > 0) { Posix.Kill(pid, Flags.SIGKILL); Posix.WaitPid(pid, 0); }
            foreach (var fd in fds) Posix.Close(fd);
        }
    }

    /// <summary>$PATH lookup as Go's exec.LookPath does it, with its error wording.</summary>
    public static string LookPath(string name)
    {
        if (name.Contains('/'))
            return IsExecutable(name) ? name : throw new ContainerException($"exec: \"{name}\": no such file or directory");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(dir.Length == 0 ? "." : dir, name);
            if (IsExecutable(candidate)) return candidate;
        }
        throw new ContainerException($"exec: \"{name}\": executable file not found in $PATH");
    }

    static bool IsExecutable(string path)
    {
        try
        {
            return File.Exists(path)
                && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    static unsafe string ReadAll(int fd)
    {
        var buffer = new byte[64 * 1024];
        int used = 0;
        while (true)
        {
            if (used == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            long n;
            fixed (byte* p = buffer) n = RawSyscall.Invoke(Sys.pread64, fd, (long)(p + used), buffer.Length - used, used);
            if (n == -Errno.EINTR) continue;
            if (n <= 0) break;
            used += (int)n;
        }
        return Encoding.UTF8.GetString(buffer, 0, used);
    }
}
