using Runsharp.Spec;

namespace Runsharp.Cgroups.Devices;

/// <summary>What a process asks of a device; the values are the kernel's BPF_DEVCG_ACC_* bits.</summary>
[Flags]
public enum DeviceAccess : byte
{
    None = 0,
    Mknod = 1,
    Read = 2,
    Write = 4,
    All = Mknod | Read | Write,
}

/// <summary>Block or char (the kernel's BPF_DEVCG_DEV_* values); All only in rules ("a").</summary>
public enum DeviceKind : byte
{
    All = 0,
    Block = 1,
    Char = 2,
}

/// <summary>One checked device cgroup rule. Major and Minor are <see cref="Any"/> for a wildcard.</summary>
public readonly record struct DeviceRule(bool Allow, DeviceKind Kind, long Major, long Minor, DeviceAccess Access)
{
    public const long Any = -1;

    /// <summary>Checks a spec rule; errors name <paramref name="field"/> ("linux.resources.devices[2]").
    /// A missing type is "a", a missing or -1 number a wildcard, a missing access "rwm".</summary>
    public static DeviceRule Parse(LinuxDeviceCgroup rule, string field)
    {
        var kind = rule.Type switch
        {
            null or "" or "a" => DeviceKind.All,
            "b" => DeviceKind.Block,
            "c" => DeviceKind.Char,
            _ => throw new CgroupException($"invalid device cgroup rule: {field}.type '{rule.Type}' is not one of a, b, c"),
        };
        var access = DeviceAccess.None;
        foreach (var ch in string.IsNullOrEmpty(rule.Access) ? "rwm" : rule.Access)
        {
            access |= ch switch
            {
                'r' => DeviceAccess.Read,
                'w' => DeviceAccess.Write,
                'm' => DeviceAccess.Mknod,
                _ => throw new CgroupException($"invalid device cgroup rule: {field}.access '{rule.Access}' may only contain r, w and m"),
            };
        }
        return new DeviceRule(rule.Allow, kind, Number(rule.Major, field + ".major"), Number(rule.Minor, field + ".minor"), access);
    }

    static long Number(long? n, string field)
    {
        if (n is null or Any)
            return Any;
        if (n < 0 || n > uint.MaxValue)
            throw new CgroupException($"invalid device cgroup rule: {field} {n} is out of range (0 to {uint.MaxValue}, or -1 for any)");
        return n.Value;
    }

    /// <summary>Whether this rule's device set covers the device (type, major, minor), wildcards included.</summary>
    public bool Covers(DeviceKind kind, long major, long minor) =>
        (Kind == DeviceKind.All || Kind == kind) && (Major == Any || Major == major) && (Minor == Any || Minor == minor);

    /// <summary>The devices.allow/deny syntax: "c 1:3 rwm", "c 136:* rwm", "a".</summary>
    public override string ToString()
    {
        var type = Kind switch { DeviceKind.Block => "b", DeviceKind.Char => "c", _ => "a" };
        return $"{(Allow ? "allow" : "deny")} {type} {N(Major)}:{N(Minor)} {AccessText(Access)}";
    }

    public static string AccessText(DeviceAccess access) =>
        (access.HasFlag(DeviceAccess.Read) ? "r" : "") + (access.HasFlag(DeviceAccess.Write) ? "w" : "") +
        (access.HasFlag(DeviceAccess.Mknod) ? "m" : "");

    static string N(long n) => n == Any ? "*" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
