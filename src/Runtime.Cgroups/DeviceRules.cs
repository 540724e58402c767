using Runsharp.Cgroups.Devices;
using Runsharp.Spec;

namespace Runsharp.Cgroups;

/// <summary>Device cgroup rules: the runtime's default allow list, the full sequence a container's cgroup gets
/// (v1 writes it to devices.allow/deny, v2 compiles it into an eBPF program) and the v1 file syntax.</summary>
public static class DeviceRules
{
    /// <summary>What every container may use even when the spec denies everything, in this order and after
    /// the spec's own rules: mknod of any char/block node, /dev/null, random, full, tty, zero, urandom,
    /// /dev/pts/* (136:*), /dev/ptmx (5:2) and tun/tap (10:200). The same set runc 1.1 allows. A default with a
    /// path is left out when linux.devices creates that path itself, as runc does: then the spec's rules decide.</summary>
    static readonly (string? Path, LinuxDeviceCgroup Rule)[] DefaultTable =
    [
        (null, Allow("c", null, null, "m")),
        (null, Allow("b", null, null, "m")),
        ("/dev/null", Allow("c", 1, 3, "rwm")),
        ("/dev/random", Allow("c", 1, 8, "rwm")),
        ("/dev/full", Allow("c", 1, 7, "rwm")),
        ("/dev/tty", Allow("c", 5, 0, "rwm")),
        ("/dev/zero", Allow("c", 1, 5, "rwm")),
        ("/dev/urandom", Allow("c", 1, 9, "rwm")),
        (null, Allow("c", 136, null, "rwm")),
        (null, Allow("c", 5, 2, "rwm")),
        (null, Allow("c", 10, 200, "rwm")),
    ];

    public static IReadOnlyList<LinuxDeviceCgroup> Defaults { get; } = DefaultTable.Select(d => d.Rule).ToArray();

    public static LinuxDeviceCgroup Allow(string type, long? major, long? minor, string access) =>
        new() { Allow = true, Type = type, Major = major, Minor = minor, Access = access };

    /// <summary>
    /// Everything a container's device cgroup gets, in order, each rule with the field it came from:
    /// deny everything; the spec's rules; the defaults (see <see cref="DefaultTable"/>); then an rwm allow for
    /// each node linux.devices creates, so a container can use the devices it was given — unless the spec's
    /// own rules name that device (a b/c rule covering it), in which case those rules decide, as they do in runc.
    /// Every spec rule is checked before anything is returned.
    /// </summary>
    public static IReadOnlyList<(DeviceRule Rule, string Field)> Sequence(IEnumerable<LinuxDeviceCgroup>? specRules, IEnumerable<LinuxDevice>? created)
    {
        var spec = (specRules ?? []).Select((r, i) => (Rule: DeviceRule.Parse(r, $"linux.resources.devices[{i}]"), Field: $"linux.resources.devices[{i}]")).ToList();
        var nodes = (created ?? []).ToList();
        var sequence = new List<(DeviceRule, string)> { (new DeviceRule(false, DeviceKind.All, DeviceRule.Any, DeviceRule.Any, DeviceAccess.All), "the initial deny-all rule") };
        sequence.AddRange(spec);
        foreach (var (path, rule) in DefaultTable)
        {
            if (path is null || !nodes.Any(n => n.Path == path))
                sequence.Add((DeviceRule.Parse(rule, "default device rule"), $"the default rule '{Format(rule)}'"));
        }
        for (int i = 0; i < nodes.Count; i++)
        {
            var kind = nodes[i].Type switch { "c" or "u" => DeviceKind.Char, "b" => DeviceKind.Block, _ => DeviceKind.All };
            if (kind == DeviceKind.All)
                continue; // fifos need no rule
            if (spec.Any(s => s.Rule.Kind != DeviceKind.All && s.Rule.Covers(kind, nodes[i].Major, nodes[i].Minor)))
                continue;
            var rule = new DeviceRule(true, kind, nodes[i].Major, nodes[i].Minor, DeviceAccess.All);
            sequence.Add((rule, $"linux.devices[{i}]"));
        }
        return sequence;
    }

    /// <summary>The v1 writes for a sequence: (devices.allow or devices.deny, "c 1:3 rwm").</summary>
    public static IEnumerable<(string File, string Value)> V1Writes(IEnumerable<(DeviceRule Rule, string Field)> sequence) =>
        sequence.Select(s => (s.Rule.Allow ? "devices.allow" : "devices.deny", V1Text(s.Rule)));

    /// <summary>"c 1:3 rwm"; a missing or -1 number is "*"; a missing access is "rwm"; type "a" (or none)
    /// is "a", which the kernel reads as every device whatever follows.</summary>
    public static string Format(LinuxDeviceCgroup rule) => V1Text(DeviceRule.Parse(rule, "device rule"));

    static string V1Text(DeviceRule rule)
    {
        if (rule.Kind == DeviceKind.All)
            return "a";
        var text = rule.ToString();
        return text[(text.IndexOf(' ') + 1)..]; // without "allow "/"deny "
    }
}
