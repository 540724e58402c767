using Runsharp.Spec;

namespace Runsharp.Cgroups.V1;

/// <summary>One v1 controller's part of Set. The full cgroups issue adds blkio, hugetlb, devices, freezer,
/// net_cls/net_prio and stats here.</summary>
internal interface ISubsystem
{
    /// <summary>The controller name as it appears in mount options.</summary>
    string Name { get; }

    /// <summary>Whether the resources ask this controller for anything (an unmounted controller is only an
    /// error when it is needed).</summary>
    bool Wants(LinuxResources r);

    void Set(string dir, LinuxResources r);
}
