using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

/// <summary>Pure cgroup v2: one directory; limits need their controller enabled in every ancestor's
/// cgroup.subtree_control.</summary>
internal sealed class V2Manager : CgroupManagerBase
{
    /// <summary>What Create enables for the container, when the parent offers it.</summary>
    internal static readonly string[] WantedControllers = ["cpu", "cpuset", "io", "memory", "pids"];

    static readonly IController[] Controllers =
        [new CpusetController(), new MemoryController(), new CpuController(), new PidsController()];

    public V2Manager(CgroupPaths paths, int createdDepth) : base(paths, createdDepth)
    {
        if (paths.Unified is null)
            throw new CgroupException("no cgroup2 mount found");
    }

    public override string? V2Path => Paths.Unified;

    protected override string PrimaryDir => Paths.Unified!;

    protected override void Prepare() => SubtreeControl.EnableDownTo(Paths.Unified!, WantedControllers);

    public override void Set(LinuxResources resources)
    {
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
}
