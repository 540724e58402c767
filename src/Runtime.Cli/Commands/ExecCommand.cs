using Runsharp.Cli.Logging;
using Runsharp.Container.Foreground;
using Runsharp.Container.Lifecycle;
using Runsharp.Linux;

namespace Runsharp.Cli.Commands;

/// <summary>
/// `exec`: a new process in an existing container. In the foreground the process is our child: we wait (passing
/// signals on, relaying its tty when it has one without --console-socket) and return its exit code (128+signal if
/// killed). Any failure to start it exits 255, as runc does since 1.1.
/// </summary>
public static class ExecCommand
{
    public const int FailureExitCode = 255;

    public static int Run(CommandContext c)
    {
        var cmd = c.Command;
        bool detach = cmd.GetBool("detach");
        int pid;
        var exec = new ExecOperation(c.Store, c.Debug);
        // Caught before the process starts, as in `run`. The process inherits the handler until its plan resets every
        // signal, just before execve; a signal sent to it meanwhile comes back through the runtime, which sends it on.
        using var signals = detach ? null : ForwardedSignals.Start(c.Debug);
        try
        {
            pid = exec.Run(new ExecOptions
            {
                Id = cmd.ContainerId,
                ProcessPath = cmd.GetStringOrNull("process"),
                Args = cmd.Positionals.Skip(1).ToList(),
                Cwd = cmd.GetStringOrNull("cwd"),
                Env = cmd.GetList("env"),
                User = cmd.GetStringOrNull("user"),
                AdditionalGids = cmd.GetIntList("additional-gids"),
                Caps = cmd.GetList("cap"),
                NoNewPrivileges = cmd.GetBool("no-new-privs"),
                Tty = cmd.GetBool("tty"),
                ApparmorProfile = cmd.GetStringOrNull("apparmor"),
                ProcessLabel = cmd.GetStringOrNull("process-label"),
                ConsoleSocket = cmd.GetStringOrNull("console-socket"),
                Detached = detach,
                PidFile = cmd.GetStringOrNull("pid-file"),
                PreserveFds = PreserveFdsFlag.Read(cmd),
                IgnorePaused = cmd.GetBool("ignore-paused"),
                Cgroups = cmd.GetList("cgroup"),
            });
        }
        catch (Exception e) { return ErrorReporter.Fail(e, FailureExitCode); }
        if (detach) return 0;
        using var console = exec.Console;
        return Posix.ExitCodeOf(ForegroundWait.Run(pid, console, c.Debug, signals));
    }
}
