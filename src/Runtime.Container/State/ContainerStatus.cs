namespace Runsharp.Container.State;

/// <summary>OCI statuses, spelled as engines parse them.</summary>
public enum ContainerStatus { Creating, Created, Running, Paused, Stopped }

public static class ContainerStatusNames
{
    public static string Name(this ContainerStatus s) => s switch
    {
        ContainerStatus.Creating => "creating",
        ContainerStatus.Created => "created",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        _ => "stopped",
    };
}
