namespace Runsharp.Spec;

/// <summary>Rules for <c>mounts</c>.</summary>
internal static class MountRules
{
    public static void Check(Spec spec, SpecValidationResult result)
    {
        if (spec.Mounts is null) return;
        for (int i = 0; i < spec.Mounts.Count; i++)
        {
            string path = $"mounts[{i}]";
            var mount = spec.Mounts[i];
            if (mount is null) { result.Error(path, "must be an object"); continue; }
            if (string.IsNullOrEmpty(mount.Destination))
            {
                result.Error($"{path}.destination", "must be set");
            }
            else if (!SpecValidator.IsAbsolute(mount.Destination))
            {
                // runc still accepts this (deprecated) and treats it as relative to the rootfs root.
                result.Warn($"{path}.destination", $"relative path {SpecValidator.Quote(mount.Destination)} is deprecated, using it as relative to /");
            }

            bool bind = mount.Type == "bind" || (mount.Options?.Any(o => o is "bind" or "rbind") ?? false);
            bool idmapped = mount.UidMappings is not null || mount.GidMappings is not null
                || (mount.Options?.Any(o => o is "idmap" or "ridmap") ?? false);
            if (mount.UidMappings is not null || mount.GidMappings is not null)
            {
                if (mount.UidMappings is not { Count: > 0 } || mount.GidMappings is not { Count: > 0 })
                {
                    result.Error(path, "id-mapped mounts need both uidMappings and gidMappings");
                }
            }
            if (idmapped && !bind)
            {
                result.Error(path, "id-mapped mounts are only supported for bind mounts");
            }
        }
    }
}
