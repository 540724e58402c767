using Runsharp.Linux.Native;
using NFlags = Runsharp.Linux.Native.Flags;

namespace Runsharp.Container.Mounts;

/// <summary>A mount's options split the way mount(2) wants them: flags, propagation changes, and fs data.</summary>
public sealed record MountOptions(long Flags, long ClearFlags, IReadOnlyList<long> Propagation, string Data, bool Bind, bool Recursive)
{
    /// <summary>Recursive attributes (rro, rnosuid, ...) for mount_setattr(2): what to set and what to clear.</summary>
    public ulong RecursiveSet { get; init; }
    public ulong RecursiveClear { get; init; }

    /// <summary>tmpcopyup (runc's extension): a tmpfs that starts with what the rootfs had at its destination.</summary>
    public bool CopyUp { get; init; }

    // MOUNT_ATTR_* (linux/mount.h); the atime ones share a 3-bit field, MOUNT_ATTR__ATIME.
    private const ulong AttrRdonly = 0x1, AttrNosuid = 0x2, AttrNodev = 0x4, AttrNoexec = 0x8, AttrAtimeMask = 0x70,
        AttrRelatime = 0x0, AttrNoatime = 0x10, AttrStrictatime = 0x20, AttrNodiratime = 0x80, AttrNosymfollow = 0x200000;

    private static readonly Dictionary<string, (ulong Set, ulong Clear)> RecursiveOptions = new(StringComparer.Ordinal)
    {
        ["rro"] = (AttrRdonly, 0), ["rrw"] = (0, AttrRdonly),
        ["rnosuid"] = (AttrNosuid, 0), ["rsuid"] = (0, AttrNosuid),
        ["rnodev"] = (AttrNodev, 0), ["rdev"] = (0, AttrNodev),
        ["rnoexec"] = (AttrNoexec, 0), ["rexec"] = (0, AttrNoexec),
        ["rnodiratime"] = (AttrNodiratime, 0), ["rdiratime"] = (0, AttrNodiratime),
        ["rrelatime"] = (AttrRelatime, AttrAtimeMask), ["rnorelatime"] = (0, 0),
        ["rnoatime"] = (AttrNoatime, AttrAtimeMask), ["ratime"] = (0, AttrNoatime),
        ["rstrictatime"] = (AttrStrictatime, AttrAtimeMask), ["rnostrictatime"] = (0, AttrStrictatime),
        ["rnosymfollow"] = (AttrNosymfollow, 0), ["rsymfollow"] = (0, AttrNosymfollow),
    };

    private static readonly Dictionary<string, (bool Clear, long Flag)> FlagOptions = new(StringComparer.Ordinal)
    {
        ["ro"] = (false, NFlags.MS_RDONLY), ["rw"] = (true, NFlags.MS_RDONLY),
        ["nosuid"] = (false, NFlags.MS_NOSUID), ["suid"] = (true, NFlags.MS_NOSUID),
        ["nodev"] = (false, NFlags.MS_NODEV), ["dev"] = (true, NFlags.MS_NODEV),
        ["noexec"] = (false, NFlags.MS_NOEXEC), ["exec"] = (true, NFlags.MS_NOEXEC),
        ["sync"] = (false, NFlags.MS_SYNCHRONOUS), ["async"] = (true, NFlags.MS_SYNCHRONOUS),
        ["dirsync"] = (false, NFlags.MS_DIRSYNC),
        ["remount"] = (false, NFlags.MS_REMOUNT),
        ["mand"] = (false, NFlags.MS_MANDLOCK), ["nomand"] = (true, NFlags.MS_MANDLOCK),
        ["noatime"] = (false, NFlags.MS_NOATIME), ["atime"] = (true, NFlags.MS_NOATIME),
        ["nodiratime"] = (false, NFlags.MS_NODIRATIME), ["diratime"] = (true, NFlags.MS_NODIRATIME),
        ["relatime"] = (false, NFlags.MS_RELATIME), ["norelatime"] = (true, NFlags.MS_RELATIME),
        ["strictatime"] = (false, NFlags.MS_STRICTATIME), ["nostrictatime"] = (true, NFlags.MS_STRICTATIME),
        ["silent"] = (false, NFlags.MS_SILENT), ["loud"] = (true, NFlags.MS_SILENT),
        ["iversion"] = (false, NFlags.MS_I_VERSION), ["noiversion"] = (true, NFlags.MS_I_VERSION),
        ["lazytime"] = (false, NFlags.MS_LAZYTIME), ["nolazytime"] = (true, NFlags.MS_LAZYTIME),
        ["nosymfollow"] = (false, NFlags.MS_NOSYMFOLLOW), ["symfollow"] = (true, NFlags.MS_NOSYMFOLLOW),
        ["defaults"] = (false, 0),
    };

    private static readonly Dictionary<string, long> PropagationOptions = new(StringComparer.Ordinal)
    {
        ["private"] = NFlags.MS_PRIVATE, ["rprivate"] = NFlags.MS_PRIVATE | NFlags.MS_REC,
        ["shared"] = NFlags.MS_SHARED, ["rshared"] = NFlags.MS_SHARED | NFlags.MS_REC,
        ["slave"] = NFlags.MS_SLAVE, ["rslave"] = NFlags.MS_SLAVE | NFlags.MS_REC,
        ["unbindable"] = NFlags.MS_UNBINDABLE, ["runbindable"] = NFlags.MS_UNBINDABLE | NFlags.MS_REC,
    };

    /// <summary>Flags that a bind mount only takes on a second, remounting call.</summary>
    public const long RemountableFlags = NFlags.MS_RDONLY | NFlags.MS_NOSUID | NFlags.MS_NODEV |
        NFlags.MS_NOEXEC | NFlags.MS_SYNCHRONOUS | NFlags.MS_DIRSYNC | NFlags.MS_MANDLOCK |
        NFlags.MS_NOATIME | NFlags.MS_NODIRATIME | NFlags.MS_RELATIME | NFlags.MS_STRICTATIME |
        NFlags.MS_NOSYMFOLLOW;

    public static MountOptions Parse(IEnumerable<string>? options, string? type)
    {
        long flags = 0, clear = 0;
        var propagation = new List<long>();
        var data = new List<string>();
        bool bind = type == "bind", recursive = false;
        ulong rset = 0, rclear = 0;
        bool copyUp = false;
        foreach (var raw in options ?? [])
        {
            var o = raw.Trim();
            if (o.Length == 0) continue;
            if (o is "bind") { bind = true; continue; }
            if (o is "rbind") { bind = true; recursive = true; continue; }
            if (o is "idmap" or "ridmap") continue; // applied by IdmappedMounts, never passed to mount(2)
            if (o is "tmpcopyup") { copyUp = true; continue; } // applied by TmpfsCopyUp
            if (FlagOptions.TryGetValue(o, out var f))
            {
                if (f.Clear) { flags &= ~f.Flag; clear |= f.Flag; }
                else { flags |= f.Flag; clear &= ~f.Flag; }
                continue;
            }
            if (PropagationOptions.TryGetValue(o, out var p)) { propagation.Add(p); continue; }
            if (RecursiveOptions.TryGetValue(o, out var r))
            {
                rset = (rset & ~r.Clear) | r.Set;
                rclear = (rclear & ~r.Set) | r.Clear;
                continue;
            }
            data.Add(o);
        }
        return new MountOptions(flags, clear, propagation, string.Join(',', data), bind, recursive)
        {
            RecursiveSet = rset,
            RecursiveClear = rclear,
            CopyUp = copyUp,
        };
    }

    public static long ParsePropagation(string? value, string field) => value switch
    {
        null or "" => NFlags.MS_SLAVE | NFlags.MS_REC,
        _ when PropagationOptions.TryGetValue(value, out var p) => p,
        _ => throw new ContainerException($"{field}: unknown propagation \"{value}\""),
    };
}
