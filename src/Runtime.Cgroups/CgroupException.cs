namespace Runsharp.Cgroups;

/// <summary>A cgroup operation failed. The message is lower-case and names the file and the errno text,
/// because engines match on strerror wording.</summary>
public sealed class CgroupException : Exception
{
    /// <summary>The errno behind the failure, or 0 when it was not a system call error.</summary>
    public int Errno { get; }

    public CgroupException(string message, int errno = 0, Exception? inner = null) : base(message, inner)
    {
        Errno = errno;
    }
}
