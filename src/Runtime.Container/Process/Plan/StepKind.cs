namespace Runsharp.Container.Process.Plan;

/// <summary>
/// What one plan step does in the child. Most steps are a single system call; the few composite kinds
/// exist where the child must branch on a result it only learns at run time (a file type, an fd number).
/// </summary>
public enum StepKind
{
    /// <summary>One system call: Nr with six arguments.</summary>
    Syscall = 1,
    /// <summary>
    /// clone(A0 | CLONE_PARENT | SIGCHLD): the new process, a sibling, goes on with the plan as the init; this one
    /// sends the init's pid to the parent (a <see cref="Child.SyncRecord.InitPid"/> record) and exits.
    /// </summary>
    ForkInit,
    /// <summary>Writes "/proc/self/fd/N" for the fd in A1 into the buffer at A0 (so mounts target an fd, never a path).</summary>
    FormatFdPath,
    /// <summary>mkdir -p of A1 (relative, clean) under the root fd A0, each component resolved inside the root. A2 = mode.</summary>
    MkdirAllInRoot,
    /// <summary>Creates an empty file A1 under root fd A0 if nothing is there (bind-mount target for a file). A2 = mode.</summary>
    CreateFileInRoot,
    /// <summary>Masks path A0 in the container: tmpfs (read-only) over a directory, /dev/null over anything else; absent is fine.</summary>
    MaskPath,
    /// <summary>Makes path A0 read-only by bind-mounting it onto itself and remounting; absent is fine.</summary>
    ReadonlyPath,
    /// <summary>Remounts the mount at path A0 with flags A1; on EPERM retries keeping the flags the kernel locked.</summary>
    Remount,
    /// <summary>
    /// Checks that fd A0 is the file it should be before anything is written through it or mounted from it:
    /// filesystem magic A1 (fstatfs), inode number A2, file type A3 (S_IFMT bits) and, for a device, st_rdev A4.
    /// A zero A1, A2 or A3 is not checked. A mismatch fails the step with <see cref="Child.SyncRecord.AuxUnexpectedFile"/>.
    /// </summary>
    VerifyInode,
    /// <summary>Makes the pty peer in fd A0 the session's controlling terminal and stdin/stdout/stderr (setsid, TIOCSCTTY, dup3).</summary>
    AdoptTerminal,
    /// <summary>a0: the pty master (a slot): clear ONLCR in its termios (TCGETS, TCSETS).</summary>
    ClearOnlcr,
    /// <summary>Finds the first executable among the candidate paths at A0 (a null-terminated pointer array).</summary>
    ResolveExecutable,
    /// <summary>Reads one byte from fd A0, retrying EINTR; end of file is a failure (the peer went away).</summary>
    ReadByte,
    /// <summary>Resets every signal to its default action and unblocks them all (.NET ignores SIGPIPE, and exec keeps that).</summary>
    ResetSignals,
    /// <summary>Marks the end of setup: from here a failure exits with 127/126 instead of reporting to the parent.</summary>
    SetupDone,
    /// <summary>Stores the 32-bit value A1 (usually an earlier step's result: an fd) at address A0 of a prepared buffer.</summary>
    StoreInt,
}

/// <summary>How a step argument is resolved in the child.</summary>
public enum ArgKind : byte
{
    Literal = 0,
    /// <summary>The value is a slot index; the child substitutes the result an earlier step stored there.</summary>
    Slot = 1,
}
