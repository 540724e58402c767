using Runsharp.Spec;

namespace Runsharp.Container.Process;

/// <summary>Everything the plan compiler needs besides the spec: host paths and the fds opened before the fork.</summary>
public sealed class InitContext
{
    public required Spec.Spec Spec { get; init; }
    public required string BundleDir { get; init; }
    /// <summary>Absolute host path of the rootfs.</summary>
    public required string RootfsPath { get; init; }
    /// <summary>Child end of the child -> parent record pipe.</summary>
    public int SyncWriteFd { get; init; } = -1;
    /// <summary>Parent's read end of the record pipe (closed in the child).</summary>
    public int SyncReadFd { get; init; } = -1;
    /// <summary>Child end of the parent -> child "go" pipe.</summary>
    public int GoReadFd { get; init; } = -1;
    /// <summary>Parent's end of the "go" pipe (closed in the child, so a dead parent reads as end of file).</summary>
    public int GoWriteFd { get; init; } = -1;
    /// <summary>exec.fifo opened O_RDWR: the child blocks reading it until `start` writes.</summary>
    public int ExecFifoFd { get; init; } = -1;
    /// <summary>Where the pty master goes when process.terminal is set.</summary>
    public Exec.ConsoleRequest? Console { get; init; }
    /// <summary>Init's end of the socketpair that carries the seccomp notify fd to the parent (SCMP_ACT_NOTIFY), or -1.</summary>
    public int SeccompSocketFd { get; init; } = -1;
    /// <summary>Parent-only fds the child closes first: above all the state dir's flock, which a copy would hold.</summary>
    public IReadOnlyList<int> CloseInChild { get; init; } = [];
    /// <summary>Namespaces joined by path: spec type -> open fd (checked to be of that type).</summary>
    public IReadOnlyDictionary<string, int> JoinFds { get; init; } = new Dictionary<string, int>();
    public int PreserveFds { get; init; }
    /// <summary>Name of the session keyring the init joins ("_ses.&lt;id&gt;"), or null for --no-new-keyring.</summary>
    public string? SessionKeyring { get; init; }
    public bool NoPivot { get; init; }
    public int CapLastCap { get; init; } = 40;
    /// <summary>
    /// Mount index to a detached mount the parent prepared, which the child only moves onto its target: an
    /// id-mapped clone of a bind source (Mounts/IdmappedMounts) or a tmpfs filled from the rootfs (Mounts/TmpfsCopyUp).
    /// </summary>
    public IReadOnlyDictionary<int, int> DetachedMountFds { get; init; } = new Dictionary<int, int>();
    /// <summary>What a "cgroup" mount shows on this host (host directories of the container's cgroups).</summary>
    public CgroupMountSource? CgroupMount { get; init; }
    /// <summary>v1 <c>tasks</c> files the child writes "0" to, joining its cgroups itself (see Lifecycle/InitCgroupJoin).</summary>
    public IReadOnlyList<(int Fd, string Controller)> CgroupTaskFds { get; init; } = [];
    /// <summary>The LSMs the host runs (process.apparmorProfile, process.selinuxLabel need theirs).</summary>
    public Security.LsmHost Lsm { get; init; }
}

/// <summary>
/// For a "cgroup" mount: on v1 each hierarchy's container directory is bind-mounted under a tmpfs;
/// on v2 the container's directory is bind-mounted (or cgroup2 is mounted in a new cgroup namespace).
/// </summary>
public sealed record CgroupMountSource(bool Unified, IReadOnlyList<CgroupMountSource.Hierarchy> Hierarchies)
{
    /// <param name="Name">Directory name under the mount (e.g. "cpu,cpuacct", "memory", or "" for v2).</param>
    /// <param name="HostPath">The container's cgroup directory in that hierarchy on the host.</param>
    /// <param name="Aliases">Symlinks to make for co-mounted controllers ("cpu" and "cpuacct" -> "cpu,cpuacct").</param>
    public sealed record Hierarchy(string Name, string HostPath, IReadOnlyList<string> Aliases);
}
