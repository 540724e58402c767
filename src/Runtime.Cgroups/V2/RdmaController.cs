using Runsharp.Spec;

namespace Runsharp.Cgroups.V2;

/// <summary>rdma.max, as on v1.</summary>
internal sealed class RdmaController : IController
{
    public string Name => "rdma";

    public bool Wants(LinuxResources r) => r.Rdma is { Count: > 0 };

    public void Set(string dir, LinuxResources r) => V1.RdmaSubsystem.Write(dir, r.Rdma!);
}
