using System.Runtime.InteropServices;

namespace Runsharp.Cgroups;

/// <summary>Turns managed IO exceptions back into errno + strerror text for our messages.</summary>
internal static class CgroupErrors
{
    internal const int ENOENT = 2;
    internal const int EPERM = 1;
    internal const int EACCES = 13;
    internal const int EBUSY = 16;
    internal const int EEXIST = 17;
    internal const int ENODEV = 19;
    internal const int EINVAL = 22;
    internal const int ENOTEMPTY = 39;

    /// <summary>On Unix, .NET puts the raw errno in HResult of plain IOExceptions and maps a few errnos to
    /// dedicated exception types.</summary>
    internal static int ErrnoOf(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => ENOENT,
        UnauthorizedAccessException u => u.InnerException is IOException { HResult: > 0 and < 4096 } inner ? inner.HResult : EACCES,
        IOException { HResult: > 0 and < 4096 } io => io.HResult,
        _ => 0,
    };

    internal static string Text(int errno) =>
        errno == 0 ? "unknown error" : Marshal.GetPInvokeErrorMessage(errno).ToLowerInvariant();

    internal static string Text(Exception e)
    {
        int errno = ErrnoOf(e);
        return errno == 0 ? e.Message.ToLowerInvariant() : Text(errno);
    }

    /// <summary>"unable to read /proc/self/cgroup: permission denied".</summary>
    internal static CgroupException Io(string verb, string path, Exception e) =>
        new($"unable to {verb} {path}: {Text(e)}", ErrnoOf(e), e);
}
