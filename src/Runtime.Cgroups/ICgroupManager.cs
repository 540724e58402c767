using Runsharp.Spec;

namespace Runsharp.Cgroups;

/// <summary>One container's cgroup in every hierarchy the host has. Synchronous and single-threaded by design.</summary>
public interface ICgroupManager
{
    /// <summary>The cleaned cgroup path ("/foo/bar", or "foo/bar" relative to the runtime's own cgroup).</summary>
    string Path { get; }

    /// <summary>The resolved directories (v1 per controller, plus the cgroup2 one); worth saving in state.json.</summary>
    CgroupPaths Paths { get; }

    /// <summary>The cgroup2 directory, for clone3(CLONE_INTO_CGROUP). On Hybrid hosts this only covers the
    /// controller-less cgroup2 hierarchy: AddProcess is still needed for the v1 ones.</summary>
    string? V2Path { get; }

    /// <summary>How many trailing path components Create() made (0 when the cgroup already existed).
    /// Persist it and pass it back through <see cref="CgroupManagerOptions.CreatedDepth"/> in later
    /// processes so Destroy removes only what this container created.</summary>
    int CreatedDepth { get; }

    /// <summary>Per directory (<see cref="CgroupPaths.AllDirs"/>), how many trailing components Create() made: what
    /// Destroy removes in each hierarchy. Persist it with <see cref="CreatedDepth"/>.</summary>
    IReadOnlyDictionary<string, int> CreatedDepths { get; }

    /// <summary>mkdir -p in every hierarchy and prepare it for tasks (v1 cpuset copy, v2 subtree_control).
    /// <paramref name="toBeSet"/>: the resources Set will be given next, so that Prepare does not write a default
    /// Set is about to replace (the device rules: a second v1 list, or a second eBPF program on v2).</summary>
    void Create(LinuxResources? toBeSet = null);

    /// <summary>Writes the limits this layer supports; null members are left alone.</summary>
    void Set(LinuxResources resources);

    /// <summary>Current usage from the cgroup files, shaped like runc's `events --stats` data. Controllers that
    /// are absent leave their part zero.</summary>
    Stats.CgroupStats GetStats();

    /// <summary>Starts watching for OOM kills (v1 eventfd, v2 memory.events); null without a memory controller.</summary>
    Stats.IOomWatch? WatchOom();

    /// <summary>Writes pid into cgroup.procs in every hierarchy.</summary>
    void AddProcess(int pid);

    /// <summary>Processes directly in the container's cgroup.</summary>
    IReadOnlyList<int> GetPids();

    /// <summary>Processes in the container's cgroup and every cgroup below it (what `ps` and `kill --all` reach).</summary>
    IReadOnlyList<int> GetAllPids();

    /// <summary>Freezes every process (v1 freezer.state, v2 cgroup.freeze) and returns once the kernel reports the
    /// cgroup frozen. On failure the cgroup is thawed again and a CgroupException says why.</summary>
    void Freeze();

    /// <summary>Thaws the cgroup and returns once the kernel reports it thawed; a no-op without a freezer.</summary>
    void Thaw();

    /// <summary>The cgroup's own freezer state (Undefined without a freezer). The one place that reads it:
    /// pause, resume, state, exec and kill all ask here.</summary>
    FreezerState GetFreezerState();

    /// <summary>SIGKILLs every process in the cgroup2 tree at once through cgroup.kill (Linux 5.14+; on Hybrid
    /// hosts the processes are in the unified hierarchy too). False when there is no cgroup.kill to write.</summary>
    bool TryKillAll();

    bool Exists();

    /// <summary>Removes the cgroup (and child cgroups) in every hierarchy, but only the directories this
    /// container created. Processes must be gone; EBUSY while they exit is retried briefly.</summary>
    void Destroy();
}
