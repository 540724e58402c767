namespace Runsharp.Container.Mounts;

/// <summary>Lexical clean-up of container paths: every path is made relative to the container's root.</summary>
public static class InRootPath
{
    /// <summary>"/a/./b/../c/" -> "a/c"; ".." never climbs above the root. "" means the root itself.</summary>
    public static string Relative(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }

    public static string Absolute(string path) => "/" + Relative(path);

    public static string? Parent(string relative)
    {
        int slash = relative.LastIndexOf('/');
        return slash < 0 ? null : relative[..slash];
    }
}
