using System.Runtime.InteropServices;

namespace Runsharp.Linux.Native;

/// <summary>
/// The one hand-written binding the fork path needs: glibc's syscall(2) without a GC transition.
/// Tmds.LibC binds syscall too, but with a GC transition and SetLastError; in the forked child a GC
/// transition may wait for a suspension that will never finish, so the child and the clone call
/// itself use only this. errno is read straight from glibc's thread-local slot.
/// </summary>
public static unsafe partial class RawSyscall
{
    [DllImport("libc.so.6", EntryPoint = "syscall", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    [DllImport("libc.so.6", EntryPoint = "__errno_location", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int* errno_location();

    /// <summary>Makes the call; returns the result, or -errno on failure (the kernel's own convention).</summary>
    public static long Invoke(long number, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
    {
        long r = syscall(number, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -*errno_location() : r;
    }
}
