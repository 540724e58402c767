using Runsharp.Spec;

namespace Runsharp.Cgroups.V1;

/// <summary>rdma.max, one line per device (the v2 file has the same name and format).</summary>
internal sealed class RdmaSubsystem : ISubsystem
{
    public string Name => "rdma";

    public bool Wants(LinuxResources r) => r.Rdma is { Count: > 0 };

    public void Set(string dir, LinuxResources r) => Write(dir, r.Rdma!);

    internal static void Write(string dir, Dictionary<string, LinuxRdma> devices)
    {
        foreach (var (device, limits) in devices)
            CgroupFiles.Write(dir, "rdma.max", CgroupConverters.RdmaMaxLine(device, limits));
    }
}
