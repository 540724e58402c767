namespace Runsharp.Cgroups;

public sealed class CgroupManagerOptions
{
    /// <summary>Parent for the default "&lt;parent&gt;/&lt;id&gt;" when linux.cgroupsPath is empty.
    /// "" reproduces runc's default (the id relative to the runtime's own cgroup).</summary>
    public string DefaultParent { get; init; } = "/";

    /// <summary>The runtime's own cgroups for relative paths; null reads /proc/self/cgroup when needed.</summary>
    public OwnCgroup? Own { get; init; }

    /// <summary>For a manager re-created in a later process (delete, kill): the
    /// <see cref="ICgroupManager.CreatedDepth"/> recorded when the container was created.</summary>
    public int CreatedDepth { get; init; }

    /// <summary>Device rules allowed after the spec's rules and the defaults: one rwm rule per node in
    /// linux.devices (see <see cref="DeviceRules.ForCreatedDevices"/>), as runc allows the devices it creates.
    /// Only v1 applies device rules today.</summary>
    public IReadOnlyList<Runsharp.Spec.LinuxDeviceCgroup>? AllowedDevices { get; init; }
}
