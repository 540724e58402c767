namespace Runsharp.Linux;

/// <summary>
/// errno values and their text in Go's wording (lower case, as runc prints them): engines match on
/// substrings such as "no such file or directory" and "permission denied", so the words matter.
/// </summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
        EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
        EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25,
        ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, ERANGE = 34,
        ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENOTSUP = 95, ECONNREFUSED = 111,
        ETIMEDOUT = 110, ENOTSOCK = 88, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98;

    public static string Message(int errno) => errno switch
    {
        EPERM => "operation not permitted",
        ENOENT => "no such file or directory",
        ESRCH => "no such process",
        EINTR => "interrupted system call",
        EIO => "input/output error",
        ENXIO => "no such device or address",
        E2BIG => "argument list too long",
        ENOEXEC => "exec format error",
        EBADF => "bad file descriptor",
        ECHILD => "no child processes",
        EAGAIN => "resource temporarily unavailable",
        ENOMEM => "cannot allocate memory",
        EACCES => "permission denied",
        EFAULT => "bad address",
        EBUSY => "device or resource busy",
        EEXIST => "file exists",
        EXDEV => "invalid cross-device link",
        ENODEV => "no such device",
        ENOTDIR => "not a directory",
        EISDIR => "is a directory",
        EINVAL => "invalid argument",
        ENFILE => "too many open files in system",
        EMFILE => "too many open files",
        ENOTTY => "inappropriate ioctl for device",
        ETXTBSY => "text file busy",
        EFBIG => "file too large",
        ENOSPC => "no space left on device",
        ESPIPE => "illegal seek",
        EROFS => "read-only file system",
        EMLINK => "too many links",
        EPIPE => "broken pipe",
        ERANGE => "numerical result out of range",
        ENAMETOOLONG => "file name too long",
        ENOSYS => "function not implemented",
        ENOTEMPTY => "directory not empty",
        ELOOP => "too many levels of symbolic links",
        ENOTSUP => "operation not supported",
        ENOTSOCK => "socket operation on non-socket",
        EAFNOSUPPORT => "address family not supported by protocol",
        EADDRINUSE => "address already in use",
        ETIMEDOUT => "connection timed out",
        ECONNREFUSED => "connection refused",
        _ => $"errno {errno}",
    };
}

/// <summary>A failed system call: what was being done, and the errno.</summary>
public sealed class LinuxException(int errno, string action) : Exception($"{action}: {Linux.Errno.Message(errno)}")
{
    public int ErrorNumber { get; } = errno;
    public string Action { get; } = action;
}
