using Runsharp.Spec;

namespace Runsharp.Cgroups;

/// <summary>Device cgroup rules: the runtime's default allow list and the v1 file syntax
/// ("c 1:3 rwm", "*" for a wildcard number, "a" for every device).</summary>
public static class DeviceRules
{
    /// <summary>What every container may use even when the spec denies everything, in this order and after
    /// the spec's own rules: mknod of any char/block node, /dev/null, random, full, tty, zero, urandom,
    /// /dev/pts/* (136:*), /dev/ptmx (5:2) and tun/tap (10:200). The same set runc 1.1 allows.</summary>
    public static IReadOnlyList<LinuxDeviceCgroup> Defaults { get; } =
    [
        Allow("c", null, null, "m"),
        Allow("b", null, null, "m"),
        Allow("c", 1, 3, "rwm"),
        Allow("c", 1, 8, "rwm"),
        Allow("c", 1, 7, "rwm"),
        Allow("c", 5, 0, "rwm"),
        Allow("c", 1, 5, "rwm"),
        Allow("c", 1, 9, "rwm"),
        Allow("c", 136, null, "rwm"),
        Allow("c", 5, 2, "rwm"),
        Allow("c", 10, 200, "rwm"),
    ];

    public static LinuxDeviceCgroup Allow(string type, long? major, long? minor, string access) =>
        new() { Allow = true, Type = type, Major = major, Minor = minor, Access = access };

    /// <summary>An rwm allow rule for each node the spec asks the runtime to create (linux.devices), as runc
    /// does: a container must be able to use the devices it was given. Fifos need no rule.</summary>
    public static IEnumerable<LinuxDeviceCgroup> ForCreatedDevices(IEnumerable<(string Type, long Major, long Minor)> devices)
    {
        foreach (var (type, major, minor) in devices)
        {
            var t = type switch { "c" or "u" => "c", "b" => "b", _ => null };
            if (t is not null)
                yield return Allow(t, major, minor, "rwm");
        }
    }

    /// <summary>The full v1 sequence: deny everything, then the spec's rules in order, then the defaults and
    /// the extra allowed devices. Each item is (file, value).</summary>
    public static IEnumerable<(string File, string Value)> V1Writes(
        IEnumerable<LinuxDeviceCgroup>? rules, IEnumerable<LinuxDeviceCgroup>? extraAllowed)
    {
        yield return ("devices.deny", "a");
        foreach (var rule in (rules ?? []).Concat(Defaults).Concat(extraAllowed ?? []))
            yield return (rule.Allow ? "devices.allow" : "devices.deny", Format(rule));
    }

    /// <summary>"c 1:3 rwm"; a missing or -1 number is "*"; a missing access is "rwm"; type "a" (or none)
    /// is "a", which the kernel reads as every device whatever follows.</summary>
    public static string Format(LinuxDeviceCgroup rule)
    {
        var type = rule.Type switch
        {
            null or "" or "a" => "a",
            "b" or "c" => rule.Type,
            _ => throw new CgroupException($"invalid device cgroup rule: type '{rule.Type}' is not one of a, b, c"),
        };
        var access = string.IsNullOrEmpty(rule.Access) ? "rwm" : rule.Access;
        foreach (var ch in access)
            if (ch is not ('r' or 'w' or 'm'))
                throw new CgroupException($"invalid device cgroup rule: access '{access}' may only contain r, w and m");
        if (type == "a" && IsWildcard(rule.Major) && IsWildcard(rule.Minor))
            return access == "rwm" ? "a" : $"a *:* {access}";
        return $"{type} {Number(rule.Major)}:{Number(rule.Minor)} {access}";
    }

    /// <summary>Whether a rule is "deny every device" (the first rule of every default config).</summary>
    public static bool IsDenyAll(LinuxDeviceCgroup rule) =>
        !rule.Allow && rule.Type is null or "" or "a" && IsWildcard(rule.Major) && IsWildcard(rule.Minor) &&
        (string.IsNullOrEmpty(rule.Access) || rule.Access == "rwm");

    static bool IsWildcard(long? n) => n is null or -1;

    static string Number(long? n)
    {
        if (IsWildcard(n))
            return "*";
        if (n < 0)
            throw new CgroupException($"invalid device cgroup rule: device number {n} is negative");
        return CgroupConverters.Str(n!.Value);
    }
}
