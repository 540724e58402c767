using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

internal sealed class CpusetController : IController
{
    public string Name => "cpuset";

    public bool Wants(LinuxResources r) =>
        !string.IsNullOrEmpty(r.Cpu?.Cpus) || !string.IsNullOrEmpty(r.Cpu?.Mems);

    public void Set(string dir, LinuxResources r)
    {
        if (!string.IsNullOrEmpty(r.Cpu!.Cpus))
            CgroupFiles.Write(dir, "cpuset.cpus", r.Cpu.Cpus);
        if (!string.IsNullOrEmpty(r.Cpu.Mems))
            CgroupFiles.Write(dir, "cpuset.mems", r.Cpu.Mems);
    }
}
