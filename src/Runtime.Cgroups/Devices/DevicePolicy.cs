namespace Runsharp.Cgroups.Devices;

/// <summary>
/// The state a v1 devices cgroup would be in after a list of rules: a default (allow or deny every device)
/// and exceptions to it, each a specific char or block device set with the accesses it excepts. cgroup v2 has
/// no such state, so runsharp computes it (<see cref="Emulate"/>) and compiles it into an eBPF program; both
/// hierarchies then behave the same way for the same rules.
/// </summary>
public sealed class DevicePolicy
{
    readonly List<DeviceRule> _exceptions = [];

    DevicePolicy(bool defaultAllow) => DefaultAllow = defaultAllow;

    /// <summary>True: every device is allowed except the exceptions (a deny list). False: an allow list.</summary>
    public bool DefaultAllow { get; private set; }

    /// <summary>Rules whose Allow is the opposite of the default, in the order they were first added.</summary>
    public IReadOnlyList<DeviceRule> Exceptions => _exceptions;

    /// <summary>
    /// Applies the rules in order with the v1 devices cgroup's semantics (security/device_cgroup.c):
    /// an "a" rule resets everything to allow-all or deny-all, whatever numbers or access it names; a rule
    /// with the other action than the default adds (or widens) the exception for exactly that device set;
    /// a rule with the same action as the default takes access away from the exception for exactly that set.
    /// So later rules win. Where v1 would silently do nothing — taking access from a device that only a
    /// wider wildcard exception grants ("allow c 10:* rwm" then "deny c 10:229 rwm") — this refuses the rule:
    /// the hole cannot be expressed, and ignoring it would leave the device open.
    /// </summary>
    public static DevicePolicy Emulate(IEnumerable<(DeviceRule Rule, string Field)> rules)
    {
        // A cgroup v1 child starts as allow-all; every sequence runsharp builds starts with "deny a" anyway.
        var policy = new DevicePolicy(defaultAllow: true);
        foreach (var (rule, field) in rules)
            policy.Apply(rule, field);
        return policy;
    }

    void Apply(DeviceRule rule, string field)
    {
        if (rule.Kind == DeviceKind.All)
        {
            DefaultAllow = rule.Allow;
            _exceptions.Clear();
            return;
        }
        var key = rule with { Allow = !DefaultAllow };
        int at = _exceptions.FindIndex(e => SameDevices(e, rule));
        if (rule.Allow != DefaultAllow)
        {
            if (at < 0)
                _exceptions.Add(key);
            else
                _exceptions[at] = _exceptions[at] with { Access = _exceptions[at].Access | rule.Access };
            return;
        }
        foreach (var wider in _exceptions)
        {
            if (!SameDevices(wider, rule) && IsWiderThan(wider, rule) && (wider.Access & rule.Access) != 0)
                throw new CgroupException(
                    $"invalid device cgroup rule: {field} '{rule}' would take access from part of the earlier wildcard rule " +
                    $"'{wider}', which a device cgroup cannot express; list the devices instead");
        }
        if (at < 0)
            return;
        var left = _exceptions[at].Access & ~rule.Access;
        if (left == DeviceAccess.None)
            _exceptions.RemoveAt(at);
        else
            _exceptions[at] = _exceptions[at] with { Access = left };
    }

    static bool SameDevices(DeviceRule a, DeviceRule b) => a.Kind == b.Kind && a.Major == b.Major && a.Minor == b.Minor;

    /// <summary>Same type, and a wildcard wherever it differs from <paramref name="narrow"/>.</summary>
    static bool IsWiderThan(DeviceRule wide, DeviceRule narrow) =>
        wide.Kind == narrow.Kind &&
        (wide.Major == DeviceRule.Any || wide.Major == narrow.Major) &&
        (wide.Minor == DeviceRule.Any || wide.Minor == narrow.Minor);

    /// <summary>
    /// The kernel's v1 check, for one request: with a default of deny, one exception must cover the device and
    /// every access asked for; with a default of allow, any exception that covers the device and shares one of
    /// the accesses denies it. The eBPF program must answer exactly this (the unit tests check it does).
    /// </summary>
    public bool Allows(DeviceKind kind, uint major, uint minor, DeviceAccess access)
    {
        foreach (var e in _exceptions)
        {
            if (!e.Covers(kind, major, minor))
                continue;
            if (DefaultAllow && (e.Access & access) != 0)
                return false;
            if (!DefaultAllow && (access & ~e.Access) == 0)
                return true;
        }
        return DefaultAllow;
    }
}
