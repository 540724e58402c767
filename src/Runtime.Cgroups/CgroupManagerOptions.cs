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

    /// <summary>The per-directory <see cref="ICgroupManager.CreatedDepths"/>, where recorded (they win over
    /// <see cref="CreatedDepth"/>).</summary>
    public IReadOnlyDictionary<string, int>? CreatedDepths { get; init; }

    /// <summary>The nodes linux.devices creates: they shape the device rules (see <see cref="DeviceRules.Sequence"/>),
    /// on v1 (devices.allow/deny) and v2 (the eBPF device filter) alike.</summary>
    public IReadOnlyList<Runsharp.Spec.LinuxDevice>? CreatedDevices { get; init; }
}
