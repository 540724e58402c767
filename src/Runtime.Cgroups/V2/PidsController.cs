using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

internal sealed class PidsController : IController
{
    public string Name => "pids";

    public bool Wants(LinuxResources r) => r.Pids?.Limit is not null;

    public void Set(string dir, LinuxResources r) =>
        CgroupFiles.Write(dir, "pids.max", CgroupConverters.PidsMax(r.Pids!.Limit!.Value));
}
