using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Namespaces;

/// <summary>Spec namespace names, their clone flags and their /proc/self/ns names.</summary>
public static class NamespaceKinds
{
    public static long CloneFlag(string type) => type switch
    {
        NamespaceTypes.Pid => Flags.CLONE_NEWPID,
        NamespaceTypes.Network => Flags.CLONE_NEWNET,
        NamespaceTypes.Mount => Flags.CLONE_NEWNS,
        NamespaceTypes.Ipc => Flags.CLONE_NEWIPC,
        NamespaceTypes.Uts => Flags.CLONE_NEWUTS,
        NamespaceTypes.User => Flags.CLONE_NEWUSER,
        NamespaceTypes.Cgroup => Flags.CLONE_NEWCGROUP,
        NamespaceTypes.Time => Flags.CLONE_NEWTIME,
        _ => 0,
    };

    public static string ProcName(string type) => type switch
    {
        NamespaceTypes.Network => "net",
        NamespaceTypes.Mount => "mnt",
        _ => type,
    };
}
