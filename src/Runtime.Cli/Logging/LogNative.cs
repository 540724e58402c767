using System.Runtime.InteropServices;

namespace Runsharp.Cli.Logging;

/// <summary>
/// The few libc calls the log needs. .NET's FileMode.Append does not open with O_APPEND, and the
/// --log contract (runc: O_WRONLY|O_CREAT|O_APPEND|O_SYNC, 0644) needs it.
/// </summary>
internal static unsafe partial class LogNative
{
    // Same values on x86_64 and arm64.
    internal const int O_WRONLY = 0x1;
    internal const int O_CREAT = 0x40;
    internal const int O_APPEND = 0x400;
    internal const int O_SYNC = 0x101000;
    internal const int O_CLOEXEC = 0x80000;
    internal const int EINTR = 4;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "isatty")]
    internal static partial int IsATty(int fd);

    /// <summary>strerror text in Go's style: lower-case ("no such file or directory").</summary>
    internal static string ErrnoText(int errno)
    {
        string text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length > 0 && char.IsUpper(text[0]) && (text.Length == 1 || !char.IsUpper(text[1]))
            ? char.ToLowerInvariant(text[0]) + text[1..]
            : text;
    }
}
