using System.Runtime.InteropServices;

namespace Runsharp.Container.Process.Child;

/// <summary>
/// The child -> parent sync protocol: fixed 16-byte records on a CLOEXEC pipe.
///
///   child                               parent
///   ----------------------------------  ----------------------------------------------
///   (clone)                             places pid in cgroups, prlimit, oom_score_adj
///   ReadByte(go pipe)            <----  writes 1 byte ("go")
///   setup steps (mounts)...
///   HooksPlease {3}              ---->  runs prestart, createRuntime, createContainer hooks
///   ReadByte(go pipe)            <----  writes 1 byte
///   setup steps (pivot_root onwards)...
///   (seccomp with SCMP_ACT_NOTIFY, right after the load:)
///   sendmsg(notify fd) on seccomp socket, then
///   SeccompFd {4}                ---->  receives the fd, sends it with the state to linux.seccomp.listenerPath
///   Ready  {1, step, 0, 0}       ---->  writes state.json, pid file; create returns
///   (on failure) Error {2, step, errno, aux} -> parent names the step, cleans up
///   ReadByte(exec.fifo)          <----  `start` writes 1 byte
///   execve                              (pipe closes on exec)
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct SyncRecord
{
    public const int Ready = 1, Error = 2, HooksPlease = 3, SeccompFd = 4;
    /// <summary>
    /// Sent first, by an intermediate child, when the init is forked inside the child (a new pid namespace owned by a
    /// joined user namespace): Step is the init's pid. The intermediate then exits; its parent reaps it.
    /// </summary>
    public const int InitPid = 5;
    /// <summary>Aux value on Error: the program was not found on $PATH.</summary>
    public const int AuxNotInPath = 1;

    /// <summary>Aux value on Error: the container's /dev/null is not the null device (or is reached by a symlink).</summary>
    public const int AuxNotNullDevice = 2;

    /// <summary>Aux value on Error: a <see cref="Plan.StepKind.VerifyInode"/> check failed (the step's description says what was expected).</summary>
    public const int AuxUnexpectedFile = 3;

    public int Kind;
    public int Step;
    public int Errno;
    public int Aux;
}
