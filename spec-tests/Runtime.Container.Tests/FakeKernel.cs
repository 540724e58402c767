using System.Runtime.InteropServices;
using Runsharp.Container.Process.Plan;
using Nr = Runsharp.Linux.Native.Sys;
using Flags = Runsharp.Linux.Native.Flags;

namespace Runsharp.Container.Tests;

/// <summary>Every test that swaps the plan's syscall gate for <see cref="FakeKernel"/> shares its static state.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FakeKernelCollection
{
    public const string Name = "fake kernel";
}

/// <summary>
/// One recorded system call. Equality is over the number and the six raw arguments; <see cref="S"/> gives the
/// strings that pointer arguments held at the time of the call (many point at the child's stack, dead after Run).
/// </summary>
public readonly struct Call(long nr, long a0, long a1, long a2, long a3, long a4, long a5) : IEquatable<Call>
{
    public long Nr { get; } = nr;
    public long A0 { get; } = a0;
    public long A1 { get; } = a1;
    public long A2 { get; } = a2;
    public long A3 { get; } = a3;
    public long A4 { get; } = a4;
    public long A5 { get; } = a5;
    internal string?[]? Strings { get; init; }
    internal ulong[]? How { get; init; }

    /// <summary>The string argument <paramref name="k"/> pointed at when the call was made (null: no pointer or not captured).</summary>
    public string? S(int k) => Strings?[k];

    /// <summary>openat2's struct open_how {flags, mode, resolve} as it was at the call.</summary>
    public ulong[] OpenHow => How ?? throw new InvalidOperationException("not an openat2 call");

    public bool Equals(Call o) => Nr == o.Nr && A0 == o.A0 && A1 == o.A1 && A2 == o.A2 && A3 == o.A3 && A4 == o.A4 && A5 == o.A5;
    public override bool Equals(object? obj) => obj is Call c && Equals(c);
    public override int GetHashCode() => HashCode.Combine(Nr, A0, A1, A2, A3, A4, A5);
    public static bool operator ==(Call a, Call b) => a.Equals(b);
    public static bool operator !=(Call a, Call b) => !a.Equals(b);

    public override string ToString() =>
        $"{Nr}({A0}, {A1}, {A2}, {A3}, {A4}, {A5})" + (Strings is null ? "" : " " + string.Join(" ", Strings.Select((x, i) => x is null ? "" : $"a{i}=\"{x}\"").Where(x => x.Length > 0)));
}

/// <summary>
/// A recording stand-in for the kernel, installed as <c>PlanHeader.Syscall</c>. Everything it touches while
/// the executor runs is preallocated (static arrays), so it allocates nothing itself: a moved allocation
/// counter can only come from the executor. Results are plausible: increasing fds from 10 for open/openat/
/// openat2, 1 byte per read, the full length per write, a regular executable file for stat, 0 otherwise.
/// </summary>
public static unsafe class FakeKernel
{
    public const int Capacity = 8192;
    public const int FirstFd = 10;

    private static readonly long[] Calls = new long[Capacity * 7];
    private const int SnapLen = 128;
    /// <summary>Snapshots of string arguments: per call, per argument, SnapLen bytes (NUL-terminated).</summary>
    private static readonly byte[] Snaps = new byte[Capacity * 6 * SnapLen];
    private static readonly bool[] HasSnap = new bool[Capacity * 6];
    private static readonly ulong[] Hows = new ulong[Capacity * 3];
    private static int _count;
    private static int _overflow;
    private static long _nextFd = FirstFd;

    /// <summary>Bytes written to <see cref="SyncFd"/> (the sync records), copied at the time of the write.</summary>
    private static readonly byte[] SyncBytes = new byte[4096];
    private static int _syncLength;
    public static int SyncFd = 99;

    // One injected failure: the first call with this nr (and, if FailMatchA0, this a0) returns FailResult.
    private static long _failNr = -1, _failA0;
    private static bool _failMatchA0;
    private static long _failResult;
    private static int _failRemaining;

    // An openat2 of this exact path returns _failPathResult (a symlink or a mount found on the way).
    private static readonly byte[] FailPath = new byte[SnapLen];
    private static long _failPathResult;

    /// <summary>Every openat2 of <paramref name="path"/> returns <paramref name="result"/>.</summary>
    public static void FailOpenOf(string path, long result)
    {
        Array.Clear(FailPath);
        System.Text.Encoding.UTF8.GetBytes(path, FailPath);
        _failPathResult = result;
    }

    private static bool IsFailPath(byte* path)
    {
        if (_failPathResult == 0) return false;
        for (int i = 0; i < FailPath.Length; i++)
        {
            if (path[i] != FailPath[i]) return false;
            if (path[i] == 0) return true;
        }
        return false;
    }

    // EINTR injection: the first N calls with this nr return -EINTR.
    private static long _eintrNr = -1;
    private static int _eintrRemaining;

    /// <summary>What an fd the fake handed out is, so fstat and fstatfs can answer as the kernel would.</summary>
    public enum FdKind : byte { Other, DevNull, ProcRoot, ProcDir, ProcFile, Ptmx }

    private static readonly FdKind[] Kinds = new FdKind[Capacity];

    /// <summary>fds of this kind report a tmpfs (fstatfs) and a fresh inode (fstat): a look-alike someone mounted there.</summary>
    public static FdKind Foreign = FdKind.Other;

    public const long TmpfsMagic = 0x01021994;

    private static bool Is(byte* path, ReadOnlySpan<byte> z)
    {
        for (int i = 0; i < z.Length; i++) if (path[i] != z[i]) return false;
        return true;
    }

    private static bool IsDevNull(byte* path) => Is(path, "/dev/null\0"u8);

    private static FdKind KindOf(long fd) => fd >= FirstFd && fd - FirstFd < Capacity ? Kinds[fd - FirstFd] : FdKind.Other;

    private static long NewFd(FdKind kind)
    {
        long fd = _nextFd++;
        if (fd - FirstFd < Capacity) Kinds[fd - FirstFd] = kind;
        return fd;
    }

    /// <summary>openat2's answer: the kind follows from the path, and from the directory fd it is opened below.</summary>
    private static FdKind KindOfOpen(long dirFd, byte* path)
    {
        if (IsDevNull(path)) return FdKind.DevNull;
        if (Is(path, "proc\0"u8)) return FdKind.ProcRoot;
        if (Is(path, "proc/sys\0"u8)) return FdKind.ProcDir;
        if (Is(path, "dev/pts/ptmx\0"u8)) return FdKind.Ptmx;
        var dir = KindOf(dirFd);
        if (dir is FdKind.ProcRoot or FdKind.ProcDir) return Is(path, "thread-self\0"u8) ? FdKind.ProcDir : FdKind.ProcFile;
        return FdKind.Other;
    }

    /// <summary>open("/proc/self/fd/N") reopens N: the new fd is the same file.</summary>
    private static FdKind KindOfReopen(byte* path)
    {
        ReadOnlySpan<byte> prefix = "/proc/self/fd/"u8;
        for (int i = 0; i < prefix.Length; i++) if (path[i] != prefix[i]) return FdKind.Other;
        long n = 0;
        for (byte* d = path + prefix.Length; *d >= '0' && *d <= '9'; d++) n = n * 10 + (*d - '0');
        return KindOf(n);
    }

    /// <summary>File mode newfstatat/fstat report.</summary>
    public static uint StatMode = Flags.S_IFREG | 0x1ed;
    /// <summary>When set, newfstatat fails with this (negative) errno for every path.</summary>
    public static long StatResult;

    public static void Reset()
    {
        _count = 0;
        _overflow = 0;
        _nextFd = FirstFd;
        _syncLength = 0;
        _failNr = -1;
        _failMatchA0 = false;
        _failRemaining = 0;
        _eintrNr = -1;
        _eintrRemaining = 0;
        StatMode = Flags.S_IFREG | 0x1ed;
        StatResult = 0;
        SyncFd = 99;
        Foreign = FdKind.Other;
        Array.Clear(Kinds);
        _failPathResult = 0;
    }

    /// <summary>The first call <paramref name="nr"/> (with first argument <paramref name="a0"/>, if given) returns <paramref name="result"/>.</summary>
    public static void FailOnce(long nr, long result, long? a0 = null)
    {
        _failNr = nr;
        _failResult = result;
        _failMatchA0 = a0.HasValue;
        _failA0 = a0 ?? 0;
        _failRemaining = 1;
    }

    public static void InterruptFirst(long nr, int times)
    {
        _eintrNr = nr;
        _eintrRemaining = times;
    }

    /// <summary>Points the plan's gate at the fake.</summary>
    public static void Install(PlanHeader* header) => header->Syscall = &Syscall;

    private static long Syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
    {
        if (_count < Capacity)
        {
            int at = _count * 7;
            Calls[at] = nr; Calls[at + 1] = a0; Calls[at + 2] = a1; Calls[at + 3] = a2;
            Calls[at + 4] = a3; Calls[at + 5] = a4; Calls[at + 6] = a5;
            Snapshot(_count, nr, a0, a1, a2, a4);
            _count++;
        }
        else _overflow++;

        if (nr == _eintrNr && _eintrRemaining > 0) { _eintrRemaining--; return -4; }
        if (_failRemaining > 0 && nr == _failNr && (!_failMatchA0 || a0 == _failA0))
        {
            _failRemaining--;
            return _failResult;
        }

        switch (nr)
        {
            case Nr.open:
                return NewFd(KindOfReopen((byte*)a0));
            case Nr.openat:
                return NewFd(FdKind.Other);
            case Nr.openat2:
                return IsFailPath((byte*)a1) ? _failPathResult : NewFd(KindOfOpen(a0, (byte*)a1));
            case Nr.ioctl when a1 == Flags.TIOCGPTPEER:
                return NewFd(FdKind.Other);
            case Nr.read:
                if (a2 > 0) *(byte*)a1 = 1;
                return 1;
            case Nr.write:
                if (a0 == SyncFd)
                {
                    byte* src = (byte*)a1;
                    for (long i = 0; i < a2 && _syncLength < SyncBytes.Length; i++) SyncBytes[_syncLength++] = src[i];
                }
                return a2;
            case Nr.newfstatat:
                if (StatResult < 0) return StatResult;
                *(uint*)((byte*)a2 + 24) = StatMode;
                return 0;
            case Nr.fstat:
                Fstat(KindOf(a0), (byte*)a1);
                return 0;
            case Nr.fstatfs:
            {
                var kind = KindOf(a0);
                *(long*)a1 = kind == Foreign && kind != FdKind.Other ? TmpfsMagic : kind switch
                {
                    FdKind.ProcRoot or FdKind.ProcDir or FdKind.ProcFile => Flags.PROC_SUPER_MAGIC,
                    FdKind.Ptmx => Flags.DEVPTS_SUPER_MAGIC,
                    _ => TmpfsMagic,
                };
                return 0;
            }
            default:
                return 0;
        }
    }

    /// <summary>
    /// struct stat as the kernel fills it for each kind: /dev/null is char 1:3, the procfs root is inode 1, the devpts
    /// ptmx is char 5:2 with inode 2 (the files MaskPath, ProcfsSteps and the console check for). A foreign one is a
    /// plain file with a high inode.
    /// </summary>
    private static void Fstat(FdKind kind, byte* st)
    {
        uint mode = StatMode;
        ulong ino = 1000, rdev = 0;
        if (kind == Foreign && kind != FdKind.Other) { mode = Flags.S_IFREG | 0x1a4; ino = 4242; }
        else if (kind == FdKind.DevNull) { mode = Flags.S_IFCHR | 0x1b6; rdev = (1UL << 8) | 3; }
        else if (kind == FdKind.ProcRoot) { mode = Flags.S_IFDIR | 0x16d; ino = 1; }
        else if (kind == FdKind.ProcDir) mode = Flags.S_IFDIR | 0x16d;
        else if (kind == FdKind.ProcFile) mode = Flags.S_IFREG | 0x1a4;
        else if (kind == FdKind.Ptmx) { mode = Flags.S_IFCHR | 0x1b6; ino = 2; rdev = (5UL << 8) | 2; }
        *(ulong*)(st + 8) = ino;
        *(uint*)(st + 24) = mode;
        *(ulong*)(st + 40) = rdev;
    }

    /// <summary>Copies the string arguments of calls that take paths or names (allocation-free).</summary>
    private static void Snapshot(int call, long nr, long a0, long a1, long a2, long a4)
    {
        for (int k = 0; k < 6; k++) HasSnap[call * 6 + k] = false;
        switch (nr)
        {
            case Nr.open: case Nr.chdir: case Nr.chroot: case Nr.sethostname: case Nr.setdomainname:
            case Nr.execve: case Nr.umount2: case Nr.statfs:
                Snap(call, 0, a0); break;
            case Nr.openat: case Nr.mkdirat: case Nr.mknodat: case Nr.fchownat: case Nr.unlinkat: case Nr.newfstatat:
                Snap(call, 1, a1); break;
            case Nr.openat2:
                Snap(call, 1, a1);
                for (int i = 0; i < 3; i++) Hows[call * 3 + i] = ((ulong*)a2)[i];
                break;
            case Nr.symlinkat:
                Snap(call, 0, a0); Snap(call, 2, a2); break;
            case Nr.pivot_root:
                Snap(call, 0, a0); Snap(call, 1, a1); break;
            case Nr.mount:
                Snap(call, 0, a0); Snap(call, 1, a1); Snap(call, 2, a2); Snap(call, 4, a4); break;
            case Nr.prctl:
                if (a0 == Flags.PR_SET_NAME) Snap(call, 1, a1);
                break;
        }
    }

    private static void Snap(int call, int k, long pointer)
    {
        if (pointer == 0) return;
        int at = (call * 6 + k) * SnapLen;
        byte* p = (byte*)pointer;
        int i = 0;
        for (; i < SnapLen - 1 && p[i] != 0; i++) Snaps[at + i] = p[i];
        Snaps[at + i] = 0;
        HasSnap[call * 6 + k] = true;
    }

    public static int Count => _count;
    public static int Overflow => _overflow;

    public static Call[] Recorded()
    {
        var list = new Call[_count];
        for (int i = 0; i < _count; i++)
        {
            int at = i * 7;
            var strings = new string?[6];
            for (int k = 0; k < 6; k++)
            {
                if (!HasSnap[i * 6 + k]) continue;
                var span = Snaps.AsSpan((i * 6 + k) * SnapLen, SnapLen);
                strings[k] = System.Text.Encoding.UTF8.GetString(span[..span.IndexOf((byte)0)]);
            }
            list[i] = new Call(Calls[at], Calls[at + 1], Calls[at + 2], Calls[at + 3], Calls[at + 4], Calls[at + 5], Calls[at + 6])
            {
                Strings = strings,
                How = Calls[at] == Nr.openat2 ? Hows.AsSpan(i * 3, 3).ToArray() : null,
            };
        }
        return list;
    }

    public static byte[] SyncWritten() => SyncBytes.AsSpan(0, _syncLength).ToArray();

    /// <summary>The NUL-terminated string at a pointer (arena memory only: the plan outlives the run, the child's stack does not).</summary>
    public static string? Str(long pointer) => pointer == 0 ? null : Marshal.PtrToStringUTF8((nint)pointer);

    /// <summary>The strings of a NULL-terminated pointer array (argv, envp).</summary>
    public static List<string> StrArray(long pointer)
    {
        var list = new List<string>();
        for (byte** p = (byte**)pointer; *p != null; p++) list.Add(Marshal.PtrToStringUTF8((nint)(*p))!);
        return list;
    }
}
