using Runsharp.Container.Namespaces;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Mounts;

/// <summary>
/// The parent's half of id-mapped bind mounts (mount options idmap/ridmap, mounts[].uidMappings/gidMappings).
/// Before the fork, each source is cloned into a detached mount (open_tree) and given MOUNT_ATTR_IDMAP with a user
/// namespace holding the mount's mappings, or the container's own when the mount names none. The child inherits
/// the fds and only moves each one onto its target, which it opens inside the rootfs as for any other mount.
/// </summary>
public sealed class IdmappedMounts : IDisposable
{
    private readonly Dictionary<int, int> _fds = new();

    /// <summary>Mount index to detached mount fd.</summary>
    public IReadOnlyDictionary<int, int> Fds => _fds;

    public static bool Wants(Mount m) =>
        m.UidMappings is { Count: > 0 } || m.GidMappings is { Count: > 0 } || (m.Options?.Any(o => o is "idmap" or "ridmap") ?? false);

    public static IdmappedMounts Prepare(Spec.Spec spec, string bundle, bool newUserNamespace)
    {
        var result = new IdmappedMounts();
        try
        {
            for (int i = 0; i < (spec.Mounts?.Count ?? 0); i++)
            {
                var m = spec.Mounts![i];
                if (!Wants(m)) continue;
                result._fds[i] = Detach(m, $"mounts[{i}]", bundle, spec, newUserNamespace);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    private static int Detach(Mount m, string where, string bundle, Spec.Spec spec, bool newUserNamespace)
    {
        var uids = m.UidMappings;
        var gids = m.GidMappings;
        if (uids is not { Count: > 0 } || gids is not { Count: > 0 })
        {
            // runtime-spec: without its own mappings the mount MAY take the container's, and MUST fail without one.
            if (!newUserNamespace)
                throw new ContainerException($"{where}.options: idmap/ridmap without the mount's own uidMappings and gidMappings needs the container to have a user namespace");
            uids = spec.Linux?.UidMappings;
            gids = spec.Linux?.GidMappings;
            if (uids is not { Count: > 0 } || gids is not { Count: > 0 })
                throw new ContainerException($"{where}.options: idmap/ridmap without the mount's own mappings borrows linux.uidMappings and linux.gidMappings, and there are none");
        }
        bool recursive = m.Options?.Contains("ridmap") ?? false;
        bool rbind = m.Options?.Contains("rbind") ?? false;
        string source = m.Source ?? "";
        source = Path.IsPathRooted(source) ? source : Path.GetFullPath(Path.Combine(bundle, source));

        long treeFlags = Flags.OPEN_TREE_CLONE | Flags.O_CLOEXEC | (rbind ? Flags.AT_RECURSIVE : 0);
        int tree = Posix.OpenTree(source, treeFlags);
        if (tree < 0) throw new ContainerException($"{where}.source: unable to clone {source} for an id-mapped mount: {Errno.Message(-tree)}");
        int userns = -1;
        try
        {
            userns = MappedUserNamespace.Open(uids, gids, where);
            int r = Posix.MountSetattr(tree, recursive, Flags.MOUNT_ATTR_IDMAP, 0, userns);
            if (r < 0)
                throw new ContainerException($"{where}: unable to id-map {source}: {Errno.Message(-r)}" +
                    (r == -Errno.EINVAL ? " (the filesystem may not support id-mapped mounts)" : ""));
            return tree;
        }
        catch
        {
            Posix.Close(tree);
            throw;
        }
        finally
        {
            if (userns >= 0) Posix.Close(userns);
        }
    }

    public void Dispose()
    {
        foreach (var fd in _fds.Values) Posix.Close(fd);
        _fds.Clear();
    }
}
