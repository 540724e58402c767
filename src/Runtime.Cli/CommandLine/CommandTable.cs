namespace Runsharp.Cli.CommandLine;

/// <summary>
/// The runc-compatible command surface: global flags and every command with the flag names, aliases
/// and defaults that runc 1.1 accepts, because containerd, podman/conmon and go-runc send them.
/// </summary>
public static class CommandTable
{
    public const string DefaultRoot = "/run/runsharp";

    private const string ContainerIdArg = "<container-id>";
    private const string ConsoleSocketUsage = "path to an AF_UNIX socket that receives the master end of the container's pseudoterminal";
    private const string PidFileUsage = "write the process id to this file";
    private const string NoPivotUsage = "do not use pivot_root to jail the process inside rootfs (needed when rootfs is on a ramdisk)";
    private const string NoNewKeyringUsage = "do not create a new session keyring; the container inherits the caller's";
    private const string PreserveFdsUsage = "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)";
    private const string NoSubreaperUsage = "do not become a subreaper for reparented processes";
    private const string FormatUsage = "output format: table or json";

    /// <summary>Flags that come before the command name.</summary>
    public static IReadOnlyList<FlagSpec> GlobalFlags { get; } =
    [
        FlagSpec.Bool("debug", "enable debug logging"),
        FlagSpec.String("log", "write runtime logs to this file (default is stderr)"),
        FlagSpec.String("log-format", "log format: 'text' (default) or 'json'", "text"),
        FlagSpec.String("root", "directory for container state (should be on tmpfs)", DefaultRoot),
        FlagSpec.String("criu", "path to the criu binary (accepted for compatibility; checkpoint is not supported)", "criu"),
        FlagSpec.Bool("systemd-cgroup", "use the systemd cgroup driver; cgroupsPath must look like \"slice:prefix:name\""),
        FlagSpec.String("rootless", "ignore cgroup permission errors ('true', 'false', or 'auto')", "auto"),
        FlagSpec.Bool("help", "show help", "h"),
        FlagSpec.Bool("version", "print the version", "v"),
    ];

    /// <summary>Added to every command, as urfave/cli does.</summary>
    public static FlagSpec HelpFlag { get; } = FlagSpec.Bool("help", "show help", "h");

    public static IReadOnlyList<CommandSpec> Commands { get; } =
    [
        new("checkpoint", "checkpoint a running container", ContainerIdArg, 1, 1,
        [
            FlagSpec.String("image-path", "path for saving criu image files"),
            FlagSpec.String("work-path", "path for saving work files and logs"),
            FlagSpec.String("parent-path", "path for previous criu image files in pre-dump"),
            FlagSpec.Bool("leave-running", "leave the process running after checkpointing"),
            FlagSpec.Bool("tcp-established", "allow open tcp connections"),
            FlagSpec.Bool("ext-unix-sk", "allow external unix sockets"),
            FlagSpec.Bool("shell-job", "allow shell jobs"),
            FlagSpec.Bool("lazy-pages", "use userfaultfd to lazily restore memory pages"),
            FlagSpec.Int("status-fd", "criu writes \\0 to this fd once lazy-pages is ready", -1),
            FlagSpec.String("page-server", "ADDRESS:PORT of the page server"),
            FlagSpec.Bool("file-locks", "handle file locks"),
            FlagSpec.Bool("pre-dump", "dump memory only and leave the container running"),
            FlagSpec.String("manage-cgroups-mode", "cgroups mode: 'soft' (default), 'full' or 'strict'"),
            FlagSpec.StringList("empty-ns", "create a namespace, but do not restore its properties"),
            FlagSpec.Bool("auto-dedup", "enable auto deduplication of memory images"),
        ]),
        new("create", "create a container", ContainerIdArg, 1, 1,
        [
            FlagSpec.String("bundle", "path to the bundle directory (default: the current directory)", null, "b"),
            FlagSpec.String("console-socket", ConsoleSocketUsage),
            FlagSpec.String("pid-file", PidFileUsage),
            FlagSpec.Bool("no-pivot", NoPivotUsage),
            FlagSpec.Bool("no-new-keyring", NoNewKeyringUsage),
            FlagSpec.Int("preserve-fds", PreserveFdsUsage),
        ], description: "Creates the container from the bundle's config.json; its process waits until \"start\"."),
        new("delete", "delete any resources held by the container", ContainerIdArg, 1, 1,
        [
            FlagSpec.Bool("force", "kill the container with SIGKILL first if it is still running", "f"),
        ]),
        new("events", "display container events (OOM notifications and resource usage)", ContainerIdArg, 1, 1,
        [
            FlagSpec.Duration("interval", "interval between stats reports", "5s"),
            FlagSpec.Bool("stats", "print the container's stats once and exit"),
        ]),
        new("exec", "execute a new process inside the container",
            "<container-id> <command> [command options]  || -p process.json <container-id>", 1, CommandSpec.Unbounded,
        [
            FlagSpec.String("console-socket", ConsoleSocketUsage),
            FlagSpec.String("cwd", "current working directory in the container"),
            FlagSpec.StringList("env", "set an environment variable (repeatable)", "e"),
            FlagSpec.Bool("tty", "allocate a pseudo-TTY", "t"),
            FlagSpec.String("user", "UID (format: <uid>[:<gid>])", null, "u"),
            FlagSpec.IntList("additional-gids", "additional gids (repeatable)", "g"),
            FlagSpec.String("process", "path to the process.json", null, "p"),
            FlagSpec.Bool("detach", "detach from the container's process", "d"),
            FlagSpec.String("pid-file", PidFileUsage),
            FlagSpec.String("process-label", "set the SELinux process label"),
            FlagSpec.String("apparmor", "set the AppArmor profile for the process"),
            FlagSpec.Bool("no-new-privs", "set no_new_privileges for the process"),
            FlagSpec.StringList("cap", "add a capability to the bounding set (repeatable)", "c"),
            FlagSpec.Int("preserve-fds", PreserveFdsUsage),
            FlagSpec.StringList("cgroup", "run the process in an existing sub-cgroup; format [<controller>:]<cgroup>"),
            FlagSpec.Bool("ignore-paused", "allow exec in a paused container"),
        ], stopAtFirstPositional: true),
        new("features", "show the enabled features", "", 0, 0,
            description: "Prints the runtime-spec features document as JSON."),
        new("kill", "send a signal (default: SIGTERM) to the container's init process", "<container-id> [signal]", 1, 2,
        [
            FlagSpec.Bool("all", "send the signal to every process in the container", "a"),
        ], description: "The signal may be a number (9), a name (KILL) or a name with SIG (SIGKILL)."),
        new("list", "list containers under the given --root", "", 0, 0,
        [
            FlagSpec.String("format", FormatUsage, "table", "f"),
            FlagSpec.Bool("quiet", "display only container IDs", "q"),
        ]),
        new("pause", "suspend all processes inside the container", ContainerIdArg, 1, 1),
        new("ps", "display the processes running inside a container", "<container-id> [ps options]", 1, CommandSpec.Unbounded,
        [
            FlagSpec.String("format", FormatUsage, "table", "f"),
        ], stopAtFirstPositional: true),
        new("restore", "restore a container from a previous checkpoint", ContainerIdArg, 1, 1,
        [
            FlagSpec.String("console-socket", ConsoleSocketUsage),
            FlagSpec.String("image-path", "path to criu image files for restoring"),
            FlagSpec.String("work-path", "path for saving work files and logs"),
            FlagSpec.Bool("tcp-established", "allow open tcp connections"),
            FlagSpec.Bool("ext-unix-sk", "allow external unix sockets"),
            FlagSpec.Bool("shell-job", "allow shell jobs"),
            FlagSpec.Bool("file-locks", "handle file locks"),
            FlagSpec.String("manage-cgroups-mode", "cgroups mode: 'soft' (default), 'full' or 'strict'"),
            FlagSpec.String("bundle", "path to the bundle directory", null, "b"),
            FlagSpec.Bool("detach", "detach from the container's process", "d"),
            FlagSpec.String("pid-file", PidFileUsage),
            FlagSpec.Bool("no-subreaper", NoSubreaperUsage),
            FlagSpec.Bool("no-pivot", NoPivotUsage),
            FlagSpec.StringList("empty-ns", "create a namespace, but do not restore its properties"),
            FlagSpec.Bool("auto-dedup", "enable auto deduplication of memory images"),
            FlagSpec.Bool("lazy-pages", "use userfaultfd to lazily restore memory pages"),
            FlagSpec.String("lsm-profile", "LSM profile to use during restore, as TYPE:NAME"),
            FlagSpec.String("lsm-mount-context", "LSM mount context to use during restore"),
            // runc 1.1 does not declare it on restore, but conmon passes it, so accept it.
            FlagSpec.Bool("no-new-keyring", NoNewKeyringUsage),
            FlagSpec.String("parent-path", "path for previous criu image files"),
        ]),
        new("resume", "resume all processes that were paused", ContainerIdArg, 1, 1),
        new("run", "create and run a container", ContainerIdArg, 1, 1,
        [
            FlagSpec.String("bundle", "path to the bundle directory (default: the current directory)", null, "b"),
            FlagSpec.String("console-socket", ConsoleSocketUsage),
            FlagSpec.Bool("detach", "detach from the container's process", "d"),
            FlagSpec.Bool("keep", "do not delete the container after it exits"),
            FlagSpec.String("pid-file", PidFileUsage),
            FlagSpec.Bool("no-subreaper", NoSubreaperUsage),
            FlagSpec.Bool("no-pivot", NoPivotUsage),
            FlagSpec.Bool("no-new-keyring", NoNewKeyringUsage),
            FlagSpec.Int("preserve-fds", PreserveFdsUsage),
        ]),
        new("spec", "create a new specification file (config.json)", "", 0, 0,
        [
            FlagSpec.String("bundle", "path to the bundle directory", null, "b"),
            FlagSpec.Bool("rootless", "generate a configuration for a rootless container"),
        ]),
        new("start", "start the user process in a created container", ContainerIdArg, 1, 1),
        new("state", "output the state of a container as JSON", ContainerIdArg, 1, 1),
        new("update", "update container resource constraints", ContainerIdArg, 1, 1,
        [
            FlagSpec.String("resources", "path to a LinuxResources JSON file, or '-' for stdin; other options are then ignored", null, "r"),
            FlagSpec.Int("blkio-weight", "per-cgroup block IO weight, 10 to 1000"),
            FlagSpec.String("cpu-period", "CPU CFS period in usecs (0 for the system default)"),
            FlagSpec.String("cpu-quota", "CPU CFS quota in usecs per period"),
            FlagSpec.String("cpu-share", "CPU shares (relative weight)"),
            FlagSpec.String("cpu-rt-period", "CPU realtime period in usecs"),
            FlagSpec.String("cpu-rt-runtime", "CPU realtime runtime in usecs per period"),
            FlagSpec.String("cpuset-cpus", "CPUs to use"),
            FlagSpec.String("cpuset-mems", "memory nodes to use"),
            new FlagSpec("kernel-memory", FlagKind.String, "(obsolete; ignored)", hidden: true),
            new FlagSpec("kernel-memory-tcp", FlagKind.String, "(obsolete; ignored)", hidden: true),
            FlagSpec.String("memory", "memory limit in bytes"),
            FlagSpec.String("memory-reservation", "memory soft limit in bytes"),
            FlagSpec.String("memory-swap", "memory plus swap limit in bytes; '-1' for unlimited swap"),
            FlagSpec.Int("pids-limit", "maximum number of pids in the container"),
            FlagSpec.String("l3-cache-schema", "Intel RDT/CAT L3 cache schema"),
            FlagSpec.String("mem-bw-schema", "Intel RDT/MBA memory bandwidth schema"),
        ]),
    ];

    /// <summary>urfave/cli's built-in <c>help [command]</c>, also reachable as <c>h</c>.</summary>
    public static CommandSpec HelpCommand { get; } = new("help", "show the list of commands or help for one command", "[command]", 0, 1);

    public static CommandSpec? FindCommand(string name)
    {
        foreach (var command in Commands)
            if (command.Name == name) return command;
        if (name == "help" || name == "h") return HelpCommand;
        return null;
    }

    public static FlagSpec? FindGlobalFlag(string name)
    {
        foreach (var flag in GlobalFlags)
            if (flag.HasName(name)) return flag;
        return null;
    }
}
