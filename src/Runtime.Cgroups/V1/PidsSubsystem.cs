using Runsharp.Spec;

namespace Runsharp.Cgroups.V1;

internal sealed class PidsSubsystem : ISubsystem
{
    public string Name => "pids";

    public bool Wants(LinuxResources r) => r.Pids?.Limit is not null;

    public void Set(string dir, LinuxResources r) =>
        CgroupFiles.Write(dir, "pids.max", CgroupConverters.PidsMax(r.Pids!.Limit!.Value));
}
