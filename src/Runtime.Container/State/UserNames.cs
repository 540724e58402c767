namespace Runsharp.Container.State;

/// <summary>The host user name of a file's owner, for `list`.</summary>
public static class UserNames
{
    public static string OwnerOf(string path)
    {
        uint uid;
        try { uid = Uid(path); }
        catch (IOException) { return ""; }
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length > 2 && uint.TryParse(f[2], out var u) && u == uid) return f[0];
            }
        }
        catch (IOException) { }
        return $"#{uid}";
    }

    private static unsafe uint Uid(string path)
    {
        byte* st = stackalloc byte[144];
        fixed (byte* p = Runsharp.Linux.Posix.Z(path))
        {
            long r = Runsharp.Linux.Native.RawSyscall.Invoke(Runsharp.Linux.Native.Sys.newfstatat, Runsharp.Linux.Native.Flags.AT_FDCWD, (long)p, (long)st, 0);
            if (r < 0) throw new IOException(path);
        }
        return *(uint*)(st + 28); // st_uid
    }
}
