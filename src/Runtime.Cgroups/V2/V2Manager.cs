using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

/// <summary>Pure cgroup v2: one directory; limits need their controller enabled in every ancestor's
/// cgroup.subtree_control.</summary>
internal sealed class V2Manager : CgroupManagerBase
{
    /// <summary>What Create enables for the container, when the parent offers it.</summary>
    internal static readonly string[] WantedControllers = ["cpu", "cpuset", "io", "memory", "pids", "hugetlb"];

    static readonly IController[] Controllers =
        [
            new CpusetController(), new MemoryController(), new CpuController(), new PidsController(),
            new IoController(), new HugetlbController(),
        ];

    public V2Manager(CgroupPaths paths, int createdDepth) : base(paths, createdDepth)
    {
        if (paths.Unified is null)
            throw new CgroupException("no cgroup2 mount found");
    }

    public override string? V2Path => Paths.Unified;

    protected override string PrimaryDir => Paths.Unified!;

    protected override void Prepare() => SubtreeControl.EnableDownTo(Paths.Unified!, WantedControllers);

    V2Freezer Freezer => new(new DirControlFiles(Paths.Unified!));

    public override void Freeze() => Freezer.Freeze();

    public override void Thaw() => Freezer.Thaw();

    public override FreezerState GetFreezerState() => Freezer.State();

    public override Stats.CgroupStats GetStats() => Stats.V2StatsReader.Collect(Paths.Unified!);

    public override Stats.IOomWatch? WatchOom() => Stats.V2OomWatch.TryStart(Paths.Unified!);

    public override void Set(LinuxResources resources)
    {
        CheckDevices(resources.Devices);
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
    }

    /// <summary>TODO(issue 5): v2 device rules are an eBPF cgroup-device program, not built yet, so on v2
    /// nothing is enforced and the cgroup allows every device. The usual list (deny all, then allow rules)
    /// is accepted so v2 containers keep working; a rule that denies one particular device is refused,
    /// because silently ignoring an explicit deny would leave that device open.</summary>
    internal static void CheckDevices(IEnumerable<LinuxDeviceCgroup>? rules)
    {
        foreach (var rule in rules ?? [])
        {
            var text = DeviceRules.Format(rule);
            if (!rule.Allow && !DeviceRules.IsDenyAll(rule))
                throw new CgroupException($"device cgroup rule 'deny {text}' cannot be applied on cgroup v2: the eBPF device filter is not implemented yet");
        }
    }
}
