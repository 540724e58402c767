using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Nr = Runsharp.Linux.Native.Sys;

namespace Runsharp.Container.Process.Child;

/// <summary>
/// The forked child's interpreter. It walks the plan and makes one system call per step.
/// Rules for everything in this file: no allocation, no strings, no exceptions, no statics with
/// initializers, no interface calls, no logging: the child is a copy of a multi-threaded runtime
/// with only one thread left, and any of those could wait forever on a lock another thread held.
/// Errors leave as a <see cref="SyncRecord"/> and exit_group.
/// </summary>
public static unsafe class ChildExecutor
{
    private const int EINTR = 4, ENOENT = 2, EEXIST = 17, EPERM = 1, ELOOP = 40;

    /// <summary>Runs the plan. Returns only when the gate is a fake (tests); the real exec or exit never return.</summary>
    public static int Run(PlanHeader* plan)
    {
        bool setupDone = false;
        long* a = stackalloc long[6];
        for (int i = 0; i < plan->StepCount; i++)
        {
            PlanStep* step = plan->Steps + i;
            for (int k = 0; k < 6; k++)
                a[k] = (step->SlotArgs & (1 << k)) != 0 ? plan->Slots[step->Args[k]] : step->Args[k];

            int aux = 0;
            long r = Execute(plan, step, a, &aux, ref setupDone);
            if (r < 0 && -r != step->IgnoreErrno)
                return Fail(plan, i, (int)-r, aux, setupDone);
            if (step->ResultSlot >= 0)
                plan->Slots[step->ResultSlot] = r;
        }
        return 0;
    }

    private static long Execute(PlanHeader* plan, PlanStep* step, long* a, int* aux, ref bool setupDone)
    {
        switch (step->Kind)
        {
            case StepKind.Syscall: return Call(plan, step->Nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            case StepKind.ForkInit: return ForkInit(plan, a[0]);
            case StepKind.FormatFdPath: FormatFdPath((byte*)a[0], (int)a[1]); return 0;
            case StepKind.MkdirAllInRoot: return MkdirAllInRoot(plan, (int)a[0], (byte*)a[1], (int)a[2], (byte*)a[3]);
            case StepKind.CreateFileInRoot: return CreateFileInRoot(plan, (int)a[0], (byte*)a[1], (int)a[2], (byte*)a[3]);
            case StepKind.MaskPath: return MaskPath(plan, (byte*)a[0], (byte*)a[1], (byte*)a[2], aux);
            case StepKind.ReadonlyPath: return ReadonlyPath(plan, (byte*)a[0]);
            case StepKind.Remount: return Remount(plan, (byte*)a[0], a[1]);
            case StepKind.VerifyInode: return VerifyInode(plan, (int)a[0], a[1], a[2], a[3], a[4], aux);
            case StepKind.AdoptTerminal: return AdoptTerminal(plan, (int)a[0]);
            case StepKind.ClearOnlcr: return ClearOnlcr(plan, (int)a[0]);
            case StepKind.ResolveExecutable: return ResolveExecutable(plan, (byte**)a[0], a[1] != 0, aux);
            case StepKind.ReadByte: return ReadByte(plan, (int)a[0]);
            case StepKind.ResetSignals: return ResetSignals(plan);
            case StepKind.SetupDone: setupDone = true; return 0;
            case StepKind.StoreInt: *(int*)a[0] = (int)a[1]; return 0;
            default: return -22;
        }
    }

    private static int Fail(PlanHeader* plan, int step, int errno, int aux, bool setupDone)
    {
        if (!setupDone)
        {
            SyncRecord rec = new() { Kind = SyncRecord.Error, Step = step, Errno = errno, Aux = aux };
            Call(plan, Nr.write, plan->SyncFd, (long)&rec, sizeof(SyncRecord), 0, 0, 0);
        }
        int code = !setupDone ? 1 : errno == ENOENT ? 127 : 126;
        Call(plan, Nr.exit_group, code, 0, 0, 0, 0, 0);
        return errno;
    }

    /// <summary>
    /// A new pid namespace owned by a joined user namespace: only a child of this process can be its init. With
    /// CLONE_PARENT that child is the runtime's own, so the runtime reaps it; we report its pid and leave.
    /// </summary>
    private static long ForkInit(PlanHeader* plan, long flags)
    {
        long r = Call(plan, Nr.clone, flags | Flags.CLONE_PARENT | Flags.SIGCHLD, 0, 0, 0, 0, 0);
        if (r <= 0) return r;
        SyncRecord rec = new() { Kind = SyncRecord.InitPid, Step = (int)r };
        Call(plan, Nr.write, plan->SyncFd, (long)&rec, sizeof(SyncRecord), 0, 0, 0);
        Call(plan, Nr.exit_group, 0, 0, 0, 0, 0, 0);
        return 0;
    }

    /// <summary>Every call goes through the plan's gate, retrying EINTR.</summary>
    private static long Call(PlanHeader* plan, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
    {
        long r;
        do { r = plan->Syscall(nr, a0, a1, a2, a3, a4, a5); } while (r == -EINTR);
        return r;
    }

    /// <summary>The production gate.</summary>
    public static long RealSyscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5) =>
        RawSyscall.Invoke(nr, a0, a1, a2, a3, a4, a5);

    internal static void FormatFdPath(byte* buf, int fd)
    {
        // "/proc/self/fd/" then the decimal fd.
        ReadOnlySpan<byte> prefix = "/proc/self/fd/"u8;
        int n = 0;
        for (; n < prefix.Length; n++) buf[n] = prefix[n];
        byte* digits = stackalloc byte[12];
        int d = 0;
        uint v = (uint)fd;
        do { digits[d++] = (byte)('0' + v % 10); v /= 10; } while (v != 0);
        while (d > 0) buf[n++] = digits[--d];
        buf[n] = 0;
    }

    // struct open_how { u64 flags; u64 mode; u64 resolve; }
    private static long OpenInRoot(PlanHeader* plan, int rootFd, byte* path, long flags,
        ulong resolve = Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_MAGICLINKS)
    {
        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(flags | Flags.O_CLOEXEC);
        how[1] = 0;
        how[2] = resolve;
        return Call(plan, Nr.openat2, rootFd, (long)path, (long)how, 24, 0, 0);
    }

    /// <summary>
    /// mkdir -p inside the root: each component is made with mkdirat in its parent, and each parent is
    /// opened from the root with RESOLVE_IN_ROOT, so a symlink can never lead outside the rootfs.
    /// <paramref name="scratch"/> is a buffer as long as <paramref name="path"/>.
    /// </summary>
    private static long MkdirAllInRoot(PlanHeader* plan, int rootFd, byte* path, int mode, byte* scratch)
    {
        int len = 0;
        while (path[len] != 0) { scratch[len] = path[len]; len++; }
        scratch[len] = 0;
        int parent = rootFd;
        int start = 0;
        for (int i = 0; i <= len; i++)
        {
            if (i < len && scratch[i] != '/') continue;
            if (i == start) { start = i + 1; continue; }
            scratch[i] = 0;
            long r = Call(plan, Nr.mkdirat, parent, (long)(scratch + start), mode, 0, 0, 0);
            if (r < 0 && r != -EEXIST) { CloseIfNot(plan, parent, rootFd); return r; }
            long next = OpenInRoot(plan, rootFd, scratch, Flags.O_PATH | Flags.O_DIRECTORY);
            if (i < len) scratch[i] = (byte)'/';
            CloseIfNot(plan, parent, rootFd);
            if (next < 0) return next;
            parent = (int)next;
            start = i + 1;
        }
        CloseIfNot(plan, parent, rootFd);
        return 0;
    }

    private static long CreateFileInRoot(PlanHeader* plan, int rootFd, byte* path, int mode, byte* scratch)
    {
        int len = 0;
        while (path[len] != 0) len++;
        int slash = len - 1;
        while (slash >= 0 && path[slash] != '/') slash--;
        int parent = rootFd;
        if (slash > 0)
        {
            for (int i = 0; i < slash; i++) scratch[i] = path[i];
            scratch[slash] = 0;
            long r = MkdirAllInRoot(plan, rootFd, scratch, 0x1ed, scratch + slash + 1);
            if (r < 0) return r;
            for (int i = 0; i < slash; i++) scratch[i] = path[i];
            scratch[slash] = 0;
            long p = OpenInRoot(plan, rootFd, scratch, Flags.O_PATH | Flags.O_DIRECTORY);
            if (p < 0) return p;
            parent = (int)p;
        }
        long fd = Call(plan, Nr.openat, parent, (long)(path + slash + 1),
            Flags.O_CREAT | Flags.O_WRONLY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC, mode, 0, 0);
        CloseIfNot(plan, parent, rootFd);
        // Something already there (a file, a dir, a symlink resolved later inside the root) is fine.
        if (fd < 0) return fd == -EEXIST || fd == -ELOOP || fd == -21 /* EISDIR */ ? 0 : fd;
        Call(plan, Nr.close, fd, 0, 0, 0, 0, 0);
        return 0;
    }

    private static void CloseIfNot(PlanHeader* plan, int fd, int keep)
    {
        if (fd != keep && fd >= 0) Call(plan, Nr.close, fd, 0, 0, 0, 0, 0);
    }

    // After pivot_root the container's "/" is the root; paths are resolved inside it from the cwd ("/").
    private static long OpenInContainer(PlanHeader* plan, byte* path, long flags) =>
        OpenInRoot(plan, Flags.AT_FDCWD, path, flags);

    private static long MaskPath(PlanHeader* plan, byte* path, byte* devNull, byte* tmpfs, int* aux)
    {
        long fd = OpenInContainer(plan, path, Flags.O_PATH);
        if (fd == -ENOENT) return 0;
        if (fd < 0) return fd;
        byte* stat = stackalloc byte[144];
        long r = Call(plan, Nr.fstat, fd, (long)stat, 0, 0, 0, 0);
        byte* target = stackalloc byte[32];
        FormatFdPath(target, (int)fd);
        if (r >= 0 && (*(uint*)(stat + 24) & Flags.S_IFMT) == Flags.S_IFDIR)
        {
            r = Call(plan, Nr.mount, (long)tmpfs, (long)target, (long)tmpfs, Flags.MS_RDONLY, 0, 0);
        }
        else if (r >= 0)
        {
            // Bind the null device only once it is proven to be one (CVE-2025-31133 class): opened without
            // following any symlink, then checked to be char device 1:3. A /dev/null that is a symlink or a
            // swapped file would otherwise be bound over the masked path, unmasking whatever it points at.
            long nul = OpenNoSymlinks(plan, devNull, Flags.O_PATH);
            if (nul < 0) { *aux = SyncRecord.AuxNotNullDevice; r = nul; }
            else
            {
                r = VerifyInode(plan, (int)nul, 0, 0, Flags.S_IFCHR, (long)NullDeviceNumber, aux);
                if (r < 0) *aux = SyncRecord.AuxNotNullDevice;
                if (r >= 0)
                {
                    byte* source = stackalloc byte[32];
                    FormatFdPath(source, (int)nul);
                    r = Call(plan, Nr.mount, (long)source, (long)target, 0, Flags.MS_BIND, 0, 0);
                }
                Call(plan, Nr.close, nul, 0, 0, 0, 0, 0);
            }
        }
        Call(plan, Nr.close, fd, 0, 0, 0, 0, 0);
        return r;
    }

    /// <summary>makedev(1, 3) as the kernel reports it in st_rdev.</summary>
    private const ulong NullDeviceNumber = (1 << 8) | 3;

    /// <summary>Opens a path in the container refusing every symlink on the way (RESOLVE_NO_SYMLINKS).</summary>
    private static long OpenNoSymlinks(PlanHeader* plan, byte* path, long flags) =>
        OpenInRoot(plan, Flags.AT_FDCWD, path, flags, Flags.RESOLVE_IN_ROOT | Flags.RESOLVE_NO_SYMLINKS);

    private static long ReadonlyPath(PlanHeader* plan, byte* path)
    {
        long fd = OpenInContainer(plan, path, Flags.O_PATH);
        if (fd == -ENOENT) return 0;
        if (fd < 0) return fd;
        byte* target = stackalloc byte[32];
        FormatFdPath(target, (int)fd);
        long r = Call(plan, Nr.mount, (long)target, (long)target, 0, Flags.MS_BIND | Flags.MS_REC, 0, 0);
        Call(plan, Nr.close, fd, 0, 0, 0, 0, 0);
        if (r < 0) return r;
        // Reopen: the first fd still points below the new bind mount.
        fd = OpenInContainer(plan, path, Flags.O_PATH);
        if (fd < 0) return fd;
        FormatFdPath(target, (int)fd);
        r = Remount(plan, target, Flags.MS_RDONLY);
        Call(plan, Nr.close, fd, 0, 0, 0, 0, 0);
        return r;
    }

    private static long Remount(PlanHeader* plan, byte* target, long flags)
    {
        long all = Flags.MS_BIND | Flags.MS_REMOUNT | flags;
        long r = Call(plan, Nr.mount, 0, (long)target, 0, all, 0, 0);
        if (r != -EPERM) return r;
        // Flags the kernel locked on the mount (nosuid, nodev, noexec, atime) must be kept on remount.
        byte* st = stackalloc byte[120];
        long s = Call(plan, Nr.statfs, (long)target, (long)st, 0, 0, 0, 0);
        if (s < 0) return r;
        long locked = *(long*)(st + 80) & (Flags.MS_NOSUID | Flags.MS_NODEV | Flags.MS_NOEXEC |
            Flags.MS_NOATIME | Flags.MS_NODIRATIME | Flags.MS_RELATIME | Flags.MS_RDONLY);
        return Call(plan, Nr.mount, 0, (long)target, 0, all | locked, 0, 0);
    }

    /// <summary>
    /// fstatfs and fstat of <paramref name="fd"/> against what the plan expects (see <see cref="StepKind.VerifyInode"/>):
    /// a file reached through a path the container could have rearranged is used only once it is proven to be
    /// the kernel's own (a procfs attr file, the devpts ptmx, the null device), never a look-alike.
    /// </summary>
    private static long VerifyInode(PlanHeader* plan, int fd, long magic, long inode, long type, long rdev, int* aux)
    {
        if (magic != 0)
        {
            byte* fs = stackalloc byte[120];
            long r = Call(plan, Nr.fstatfs, fd, (long)fs, 0, 0, 0, 0);
            if (r < 0) return r;
            if (*(long*)fs != magic) { *aux = SyncRecord.AuxUnexpectedFile; return -EPERM; }
        }
        byte* st = stackalloc byte[144];
        long s = Call(plan, Nr.fstat, fd, (long)st, 0, 0, 0, 0);
        if (s < 0) return s;
        uint mode = *(uint*)(st + 24) & Flags.S_IFMT;
        bool device = type is Flags.S_IFCHR or Flags.S_IFBLK;
        if ((inode != 0 && *(ulong*)(st + 8) != (ulong)inode) || (type != 0 && mode != type) ||
            (device && *(ulong*)(st + 40) != (ulong)rdev))
        {
            *aux = SyncRecord.AuxUnexpectedFile;
            return -EPERM;
        }
        return 0;
    }

    /// <summary>Turns off the pty's "\n" -> "\r\n" output mapping (a foreground tty the runtime relays: its own
    /// terminal adds the "\r" where one is needed, as runc does).</summary>
    private static long ClearOnlcr(PlanHeader* plan, int master)
    {
        Runsharp.Linux.Termios t;
        long r = Call(plan, Nr.ioctl, master, Flags.TCGETS, (long)&t, 0, 0, 0);
        if (r < 0) return r;
        t.Oflag &= ~Flags.ONLCR;
        return Call(plan, Nr.ioctl, master, Flags.TCSETS, (long)&t, 0, 0, 0);
    }

    /// <summary>The pty peer becomes the controlling terminal of a new session and the process's stdio.</summary>
    private static long AdoptTerminal(PlanHeader* plan, int peer)
    {
        long r = Call(plan, Nr.setsid, 0, 0, 0, 0, 0, 0);
        if (r < 0) return r;
        r = Call(plan, Nr.ioctl, peer, Flags.TIOCSCTTY, 0, 0, 0, 0);
        if (r < 0) return r;
        for (int fd = 0; fd < 3; fd++)
        {
            r = Call(plan, Nr.dup3, peer, fd, 0, 0, 0, 0);
            if (r < 0) return r;
        }
        if (peer > 2) Call(plan, Nr.close, peer, 0, 0, 0, 0, 0);
        return 0;
    }

    /// <summary>First candidate that is a regular file with an execute bit; its pointer is the result.</summary>
    private static long ResolveExecutable(PlanHeader* plan, byte** candidates, bool searched, int* aux)
    {
        byte* stat = stackalloc byte[144];
        long lastError = -ENOENT;
        for (byte** c = candidates; *c != null; c++)
        {
            long r = Call(plan, Nr.newfstatat, Flags.AT_FDCWD, (long)*c, (long)stat, 0, 0, 0);
            if (r < 0) { if (r != -ENOENT) lastError = r; continue; }
            uint mode = *(uint*)(stat + 24);
            if ((mode & Flags.S_IFMT) == Flags.S_IFDIR) { lastError = -13; continue; }
            if ((mode & 0x49) == 0) { lastError = -13; continue; }
            return (long)*c;
        }
        // A name searched on $PATH that was found nowhere.
        if (searched && lastError == -ENOENT) *aux = SyncRecord.AuxNotInPath;
        return lastError;
    }

    private static long ReadByte(PlanHeader* plan, int fd)
    {
        byte b;
        long r = Call(plan, Nr.read, fd, (long)&b, 1, 0, 0, 0);
        return r == 0 ? -32 /* EPIPE: the other side went away */ : r;
    }

    private static long ResetSignals(PlanHeader* plan)
    {
        // struct k_sigaction { handler; flags; restorer; mask } with handler = SIG_DFL (0).
        long* act = stackalloc long[4];
        act[0] = act[1] = act[2] = act[3] = 0;
        for (int sig = 1; sig <= 64; sig++)
        {
            if (sig is 9 or 19) continue; // SIGKILL, SIGSTOP cannot be changed
            Call(plan, Nr.rt_sigaction, sig, (long)act, 0, 8, 0, 0);
        }
        long empty = 0;
        return Call(plan, Nr.rt_sigprocmask, Flags.SIG_SETMASK, (long)&empty, 0, 8, 0, 0);
    }
}
