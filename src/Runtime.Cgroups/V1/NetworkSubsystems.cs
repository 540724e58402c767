using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V1;

/// <summary>net_cls.classid. 0 means unset, as in runc.</summary>
internal sealed class NetClsSubsystem : ISubsystem
{
    public string Name => "net_cls";

    public bool Wants(LinuxResources r) => r.Network?.ClassID is not null and not 0;

    public void Set(string dir, LinuxResources r) =>
        CgroupFiles.Write(dir, "net_cls.classid", Str((ulong)r.Network!.ClassID!.Value));
}

/// <summary>net_prio.ifpriomap, one "ifname priority" per write.</summary>
internal sealed class NetPrioSubsystem : ISubsystem
{
    public string Name => "net_prio";

    public bool Wants(LinuxResources r) => r.Network?.Priorities is { Count: > 0 };

    public void Set(string dir, LinuxResources r)
    {
        foreach (var p in r.Network!.Priorities!)
        {
            if (p.Name.Length == 0 || p.Name.Any(c => char.IsWhiteSpace(c) || c == '/'))
                throw new CgroupException($"invalid network priority: interface name '{p.Name}'");
            CgroupFiles.Write(dir, "net_prio.ifpriomap", $"{p.Name} {Str((ulong)p.Priority)}");
        }
    }
}
