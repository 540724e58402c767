using System.Globalization;
using Runsharp.Cgroups.Devices;
using Runsharp.Spec;

namespace Runsharp.Cgroups.Tests.Devices;

/// <summary>Short test notation: rules as "allow c 1:3 rw" / "deny a", requests as "c 1:3 rw".</summary>
internal static class DeviceRuleText
{
    public static LinuxDeviceCgroup Rule(string text)
    {
        var f = text.Split(' ');
        var rule = new LinuxDeviceCgroup { Allow = f[0] == "allow", Type = f[1] };
        if (f.Length > 2)
        {
            var n = f[2].Split(':');
            rule.Major = n[0] == "*" ? null : long.Parse(n[0], CultureInfo.InvariantCulture);
            rule.Minor = n[1] == "*" ? -1 : long.Parse(n[1], CultureInfo.InvariantCulture);
            rule.Access = f[3];
        }
        return rule;
    }

    public static List<LinuxDeviceCgroup> Rules(params string[] texts) => texts.Select(Rule).ToList();

    public static (DeviceKind Kind, uint Major, uint Minor, DeviceAccess Access) Request(string text)
    {
        var f = text.Split(' ');
        var n = f[1].Split(':');
        var access = DeviceAccess.None;
        foreach (var ch in f[2])
            access |= ch switch { 'r' => DeviceAccess.Read, 'w' => DeviceAccess.Write, 'm' => DeviceAccess.Mknod, _ => throw new ArgumentException(text) };
        return (f[0] == "b" ? DeviceKind.Block : DeviceKind.Char, uint.Parse(n[0], CultureInfo.InvariantCulture), uint.Parse(n[1], CultureInfo.InvariantCulture), access);
    }

    public static LinuxDevice Node(string path, string type, long major, long minor) =>
        new() { Path = path, Type = type, Major = major, Minor = minor };
}
