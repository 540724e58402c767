using Runsharp.Container.Process.Plan;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Namespaces;

/// <summary>
/// Which namespaces the container gets new (clone flags) and which it joins (fds opened and type-checked
/// before the fork). The child joins by setns; a pid namespace is joined by the parent around clone,
/// because setns(CLONE_NEWPID) only affects children.
/// </summary>
public sealed class NamespaceSetup : IDisposable
{
    private static readonly string[] JoinOrder =
        [NamespaceTypes.User, NamespaceTypes.Ipc, NamespaceTypes.Uts, NamespaceTypes.Network, NamespaceTypes.Cgroup, NamespaceTypes.Mount];

    public long CloneFlags { get; private init; }
    public Dictionary<string, int> JoinFds { get; } = new();
    public bool Has(string type) => (CloneFlags & NamespaceKinds.CloneFlag(type)) != 0 || JoinFds.ContainsKey(type);
    public bool IsNew(string type) => (CloneFlags & NamespaceKinds.CloneFlag(type)) != 0;

    public static NamespaceSetup Open(IReadOnlyList<LinuxNamespace>? namespaces)
    {
        long flags = 0;
        var setup = new NamespaceSetup();
        try
        {
            for (int i = 0; i < (namespaces?.Count ?? 0); i++)
            {
                var ns = namespaces![i];
                long flag = NamespaceKinds.CloneFlag(ns.Type);
                string field = $"linux.namespaces[{i}]";
                if (flag == 0) throw new ContainerException($"{field}.type: unknown namespace type \"{ns.Type}\"");
                if (setup.JoinFds.ContainsKey(ns.Type) || (flags & flag) != 0)
                    throw new ContainerException($"{field}.type: namespace \"{ns.Type}\" is listed twice");
                if (ns.Type == NamespaceTypes.Time)
                    throw new ContainerException($"{field}.type: {ns.Type} namespaces are not supported yet");
                if (string.IsNullOrEmpty(ns.Path)) { flags |= flag; continue; }
                int fd = Posix.TryOpen(ns.Path, Flags.O_RDONLY);
                if (fd < 0) throw new ContainerException($"{field}.path: unable to open {ns.Path}: {Errno.Message(-fd)}");
                setup.JoinFds[ns.Type] = fd;
                long actual = Posix.NamespaceType(fd);
                if (actual < 0) throw new ContainerException($"{field}.path: {ns.Path} is not a namespace file: {Errno.Message((int)-actual)}");
                if (actual != flag) throw new ContainerException($"{field}.path: {ns.Path} is not a {ns.Type} namespace");
            }
        }
        catch
        {
            setup.Dispose();
            throw;
        }
        return new NamespaceSetup { CloneFlags = flags }.Adopt(setup);
    }

    private NamespaceSetup Adopt(NamespaceSetup other)
    {
        foreach (var (k, v) in other.JoinFds) JoinFds[k] = v;
        other.JoinFds.Clear();
        return this;
    }

    /// <summary>The child's setns steps, user namespace first, mount namespace last.</summary>
    public void CompileJoins(PlanBuilder plan)
    {
        foreach (var type in JoinOrder)
        {
            if (!JoinFds.TryGetValue(type, out int fd)) continue;
            plan.Syscall($"unable to join the {type} namespace (linux.namespaces)", Sys.setns, fd, NamespaceKinds.CloneFlag(type));
        }
    }

    public void Dispose()
    {
        foreach (var fd in JoinFds.Values) Posix.Close(fd);
        JoinFds.Clear();
    }
}
