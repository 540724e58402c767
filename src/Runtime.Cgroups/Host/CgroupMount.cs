namespace Runsharp.Cgroups;

/// <summary>One mounted hierarchy. <see cref="Root"/> is the cgroup the mount exposes (field 4 of mountinfo),
/// which is not "/" inside containers without a cgroup namespace.</summary>
/// <param name="Controllers">v1 controllers (co-mounted ones like cpu,cpuacct share a mount) and named
/// hierarchies as "name=systemd"; empty for cgroup2.</param>
public sealed record CgroupMount(string MountPoint, string Root, IReadOnlyList<string> Controllers)
{
    public bool Has(string controller) => Controllers.Contains(controller);
}
