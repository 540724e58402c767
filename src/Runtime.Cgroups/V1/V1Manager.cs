using Runsharp.Spec;

namespace Runsharp.Cgroups.V1;

/// <summary>cgroup v1 (Legacy and Hybrid hosts). On Hybrid hosts the same path is also created in the
/// controller-less cgroup2 hierarchy and processes join it too, as runc does.</summary>
internal sealed class V1Manager : CgroupManagerBase
{
    // cpuset before the others: tasks cannot join until it has cpus and mems.
    readonly ISubsystem[] _subsystems;
    readonly DevicesSubsystem _devices;

    public V1Manager(CgroupPaths paths, int createdDepth, IReadOnlyList<LinuxDevice>? createdDevices = null,
        IReadOnlyDictionary<string, int>? createdDepths = null)
        : base(paths, createdDepth, createdDepths)
    {
        _devices = new DevicesSubsystem(createdDevices);
        _subsystems =
        [
            new CpusetSubsystem(), _devices, new MemorySubsystem(), new CpuSubsystem(), new PidsSubsystem(),
            new BlkioSubsystem(), new HugetlbSubsystem(), new NetClsSubsystem(), new NetPrioSubsystem(), new RdmaSubsystem(),
        ];
    }

    public override string? V2Path => Paths.Unified;

    protected override string PrimaryDir =>
        Dir("pids") ?? Dir("memory") ?? Paths.V1.Values.FirstOrDefault() ?? Paths.Unified
        ?? throw new CgroupException("no cgroup hierarchy is mounted");

    string? Dir(string controller) => Paths.V1.GetValueOrDefault(controller);

    /// <summary>Hybrid hosts freeze through the v1 freezer only, as runc does: the cgroup2 extra is controller-less.</summary>
    V1Freezer? Freezer => Dir("freezer") is { } dir ? new V1Freezer(new DirControlFiles(dir)) : null;

    public override void Freeze() =>
        (Freezer ?? throw new CgroupException("cannot freeze the container: the freezer cgroup controller is not mounted")).Freeze();

    public override void Thaw() => Freezer?.Thaw();

    public override FreezerState GetFreezerState() => Freezer?.State() ?? FreezerState.Undefined;

    protected override void Prepare(LinuxResources? toBeSet)
    {
        if (Dir("cpuset") is { } cpuset)
            CpusetSubsystem.InheritFromParents(cpuset);
        // A cgroup we just made would inherit "allow every device" from its parent. Start it from the
        // default allow list, as runc does when the spec has no device rules; Set applies the spec's rules (then it alone writes them).
        // A cgroup that already existed is someone else's: its rules are left alone unless Set is asked.
        if (Dir("devices") is { } devices && MadeByCreate(devices) && toBeSet?.Devices is null)
            _devices.Apply(devices, null);
    }

    public override Stats.CgroupStats GetStats() => Stats.V1StatsReader.Collect(Paths.V1);

    public override Stats.IOomWatch? WatchOom() =>
        Dir("memory") is { } memory && Directory.Exists(memory) ? Stats.V1OomWatch.TryStart(memory) : null;

    public override void Set(LinuxResources resources)
    {
        if (resources.Unified is { Count: > 0 })
            throw new CgroupException("invalid configuration: cannot use unified on cgroup v1");
        foreach (var sub in _subsystems)
        {
            if (!sub.Wants(resources))
                continue;
            var dir = Dir(sub.Name);
            RequireMounted(dir, sub.Name);
            sub.Set(dir!, resources);
        }
    }
}
