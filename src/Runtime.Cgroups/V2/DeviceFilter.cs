using Runsharp.Cgroups.Devices;
using Runsharp.Linux.Bpf;
using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

/// <summary>Where a compiled device program goes: the kernel, or a recorder in the fake-cgroupfs tests.</summary>
internal interface IDeviceProgramTarget
{
    /// <summary>Makes <paramref name="program"/> the only device program of the cgroup directory.</summary>
    void Replace(string dir, BpfInstruction[] program);
}

/// <summary>
/// cgroup v2 device control: there is no devices controller, only an eBPF program of type CGROUP_DEVICE
/// attached to the cgroup directory. The rules go through the same sequence and v1 semantics as on v1
/// (<see cref="DeviceRules.Sequence"/>, <see cref="DevicePolicy"/>) and become a program
/// (<see cref="DeviceProgram"/>) that replaces the cgroup's previous one.
/// </summary>
internal sealed class DeviceFilter(IReadOnlyList<LinuxDevice>? created)
{
    internal IDeviceProgramTarget Target { get; set; } = KernelDeviceProgramTarget.Instance;

    public void Apply(string dir, IEnumerable<LinuxDeviceCgroup>? rules)
    {
        var policy = DevicePolicy.Emulate(DeviceRules.Sequence(rules, created));
        Target.Replace(dir, DeviceProgram.Compile(policy));
    }
}
