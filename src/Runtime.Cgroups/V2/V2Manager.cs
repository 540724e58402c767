using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

/// <summary>Pure cgroup v2: one directory; limits need their controller enabled in every ancestor's
/// cgroup.subtree_control.</summary>
internal sealed class V2Manager : CgroupManagerBase
{
    /// <summary>What Create enables for the container, when the parent offers it.</summary>
    internal static readonly string[] WantedControllers = ["cpu", "cpuset", "io", "memory", "pids", "hugetlb", "rdma"];

    static readonly IController[] Controllers =
        [
            new CpusetController(), new MemoryController(), new CpuController(), new PidsController(),
            new IoController(), new HugetlbController(), new RdmaController(),
        ];

    readonly DeviceFilter _devices;

    public V2Manager(CgroupPaths paths, int createdDepth, IReadOnlyList<LinuxDevice>? createdDevices = null,
        IReadOnlyDictionary<string, int>? createdDepths = null) : base(paths, createdDepth, createdDepths)
    {
        if (paths.Unified is null)
            throw new CgroupException("no cgroup2 mount found");
        _devices = new DeviceFilter(createdDevices);
    }

    /// <summary>Where device programs go; the fake-cgroupfs tests record them instead of loading them.</summary>
    internal IDeviceProgramTarget DeviceProgramTarget { set => _devices.Target = value; }

    public override string? V2Path => Paths.Unified;

    protected override string PrimaryDir => Paths.Unified!;

    protected override void Prepare(LinuxResources? toBeSet)
    {
        SubtreeControl.EnableDownTo(Paths.Unified!, WantedControllers);
        // A cgroup we just made allows every device; give it the default set, as v1 and runc do when the
        // spec has no device rules. Set applies the spec's rules. A cgroup that already existed is left alone.
        if (MadeByCreate(Paths.Unified!) && toBeSet?.Devices is null)
            _devices.Apply(Paths.Unified!, null);
    }

    V2Freezer Freezer => new(new DirControlFiles(Paths.Unified!));

    public override void Freeze() => Freezer.Freeze();

    public override void Thaw() => Freezer.Thaw();

    public override FreezerState GetFreezerState() => Freezer.State();

    public override Stats.CgroupStats GetStats() => Stats.V2StatsReader.Collect(Paths.Unified!);

    public override Stats.IOomWatch? WatchOom() => Stats.V2OomWatch.TryStart(Paths.Unified!);

    public override void Set(LinuxResources resources)
    {
        if (resources.Devices is not null)
            _devices.Apply(Paths.Unified!, resources.Devices);
        if (resources.Network is { } net && (net.ClassID is not null and not 0 || net.Priorities is { Count: > 0 }))
            throw new CgroupException("network classID and priorities need the v1 net_cls and net_prio controllers; cgroup v2 has no equivalent");
        foreach (var controller in Controllers)
        {
            if (!controller.Wants(resources))
                continue;
            // Without the controller enabled in the parent the file is simply absent: say which controller.
            var available = SubtreeControl.ReadList(Paths.Unified!, "cgroup.controllers");
            if (!available.Contains(controller.Name))
                throw new CgroupException($"cgroup controller '{controller.Name}' is not available in {Paths.Unified}");
            controller.Set(Paths.Unified!, resources);
        }
        if (resources.Unified is { Count: > 0 } unified)
            UnifiedFiles.Write(Paths.Unified!, unified);
    }
}
