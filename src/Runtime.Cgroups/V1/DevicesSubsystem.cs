using Runsharp.Cgroups.Devices;
using Runsharp.Spec;

namespace Runsharp.Cgroups.V1;

/// <summary>devices.allow / devices.deny. The cgroup starts by denying everything, then gets the spec's
/// rules in their order, then the default allow list (and the nodes from linux.devices), so the result is
/// an allow list whose first entries are the spec's, like runc's.</summary>
internal sealed class DevicesSubsystem : ISubsystem
{
    readonly IReadOnlyList<LinuxDevice> _created;

    public DevicesSubsystem(IReadOnlyList<LinuxDevice>? created = null)
    {
        _created = created ?? [];
    }

    public string Name => "devices";

    public bool Wants(LinuxResources r) => r.Devices is not null;

    public void Set(string dir, LinuxResources r) => Apply(dir, r.Devices);

    /// <summary>Also used by Create with no rules: a new container's cgroup gets the default allow list
    /// instead of inheriting "allow everything".</summary>
    internal void Apply(string dir, IEnumerable<LinuxDeviceCgroup>? rules)
    {
        // Check everything first so an invalid rule fails before the cgroup is half-written. The emulation
        // refuses what v1 would silently ignore (a hole in a wildcard rule), as the v2 filter does.
        var sequence = DeviceRules.Sequence(rules, _created);
        DevicePolicy.Emulate(sequence);
        // In a user namespace the kernel refuses every write (runc skips them too); there is nothing to apply.
        if (InUserNamespace())
            return;
        foreach (var (file, value) in DeviceRules.V1Writes(sequence))
            CgroupFiles.Write(dir, file, value);
    }

    /// <summary>The initial user namespace maps every id: "0 0 4294967295".</summary>
    internal static bool InUserNamespace()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return !(fields.Length == 3 && fields[0] == "0" && fields[1] == "0" && fields[2] == "4294967295");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
