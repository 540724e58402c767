namespace Runsharp.Container.Lifecycle;

/// <summary>HOME for a spec without one: the user's entry in the container's /etc/passwd, as runc does.</summary>
public static class HomeDirectory
{
    public static string? Lookup(string rootfs, uint uid)
    {
        // Read only a real file inside the rootfs: a symlinked /etc or passwd could point at the host.
        var etc = new DirectoryInfo(Path.Combine(rootfs, "etc"));
        var passwd = new FileInfo(Path.Combine(rootfs, "etc", "passwd"));
        if (!etc.Exists || etc.LinkTarget is not null || !passwd.Exists || passwd.LinkTarget is not null) return null;
        try
        {
            foreach (var line in File.ReadLines(passwd.FullName))
            {
                var f = line.Split(':');
                if (f.Length >= 6 && uint.TryParse(f[2], out var u) && u == uid) return f[5].Length > 0 ? f[5] : "/";
            }
        }
        catch (IOException) { }
        return null;
    }
}
