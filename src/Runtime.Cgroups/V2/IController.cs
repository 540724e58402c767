using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

/// <summary>One v2 controller's part of Set. The full cgroups issue adds io, hugetlb, unified, freezer,
/// devices (eBPF) and stats here.</summary>
internal interface IController
{
    /// <summary>The name in cgroup.controllers / cgroup.subtree_control.</summary>
    string Name { get; }

    bool Wants(LinuxResources r);

    void Set(string dir, LinuxResources r);
}
