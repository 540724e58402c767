using System.Text;
using Runsharp.Linux.Native;

namespace Runsharp.Linux.Bpf;

/// <summary>
/// The bpf(2) commands a cgroup device filter needs: load a program, attach it to a cgroup directory, list
/// what is attached there, and detach. Each fills its member of union bpf_attr (include/uapi/linux/bpf.h)
/// in a zeroed buffer; the kernel refuses non-zero bytes it does not know, so the rest must stay zero.
/// The Try* calls return -errno instead of throwing so callers can word the error for their own context.
/// </summary>
public static unsafe class BpfSyscalls
{
    const int CmdProgLoad = 5, CmdProgAttach = 8, CmdProgDetach = 9, CmdProgGetFdById = 13, CmdProgQuery = 16;
    const int AttrSize = 128;

    public const int ProgTypeCgroupDevice = 15;   // BPF_PROG_TYPE_CGROUP_DEVICE
    public const int AttachCgroupDevice = 6;      // BPF_CGROUP_DEVICE
    public const int FlagAllowMulti = 1 << 1;     // BPF_F_ALLOW_MULTI

    /// <summary>BPF_PROG_LOAD. Returns the program fd (O_CLOEXEC, as every bpf fd) or -errno. When
    /// <paramref name="log"/> is given, the verifier writes its log there (level 1).</summary>
    public static int TryLoadProgram(int progType, IReadOnlyList<BpfInstruction> program, string license, string name, byte[]? log = null)
    {
        var insns = BpfInstruction.Encode(program);
        var licenseZ = Posix.Z(license);
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (byte* pInsns = insns, pLicense = licenseZ, pLog = log)
        {
            *(uint*)(attr + 0) = (uint)progType;
            *(uint*)(attr + 4) = (uint)program.Count;
            *(ulong*)(attr + 8) = (ulong)pInsns;
            *(ulong*)(attr + 16) = (ulong)pLicense;
            if (log is { Length: > 0 })
            {
                *(uint*)(attr + 24) = 1;
                *(uint*)(attr + 28) = (uint)log.Length;
                *(ulong*)(attr + 32) = (ulong)pLog;
            }
            // prog_name (16 bytes at 48): shows in bpftool and /proc/<pid>/fdinfo; letters, digits, '_' and '.'.
            var nameBytes = Encoding.ASCII.GetBytes(name);
            for (int i = 0; i < nameBytes.Length && i < 15; i++)
                attr[48 + i] = nameBytes[i];
            return (int)RawSyscall.Invoke(Sys.bpf, CmdProgLoad, (long)attr, AttrSize);
        }
    }

    /// <summary>BPF_PROG_ATTACH of <paramref name="progFd"/> to the cgroup directory <paramref name="targetFd"/>.</summary>
    public static int TryAttach(int targetFd, int progFd, int attachType, int flags) =>
        AttachOrDetach(CmdProgAttach, targetFd, progFd, attachType, flags);

    /// <summary>BPF_PROG_DETACH of one program (needed when several are attached with BPF_F_ALLOW_MULTI).</summary>
    public static int TryDetach(int targetFd, int progFd, int attachType) =>
        AttachOrDetach(CmdProgDetach, targetFd, progFd, attachType, 0);

    static int AttachOrDetach(int cmd, int targetFd, int progFd, int attachType, int flags)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = (uint)targetFd;
        *(uint*)(attr + 4) = (uint)progFd;
        *(uint*)(attr + 8) = (uint)attachType;
        *(uint*)(attr + 12) = (uint)flags;
        return (int)RawSyscall.Invoke(Sys.bpf, cmd, (long)attr, AttrSize);
    }

    /// <summary>BPF_PROG_QUERY: the ids of the programs attached directly to the cgroup (not inherited ones)
    /// and the flags they were attached with. Throws on failure.</summary>
    public static (uint[] Ids, int AttachFlags) Query(int targetFd, int attachType)
    {
        int capacity = 16;
        var attr = stackalloc byte[AttrSize];
        while (true)
        {
            var ids = new uint[capacity];
            new Span<byte>(attr, AttrSize).Clear();
            fixed (uint* pIds = ids)
            {
                *(uint*)(attr + 0) = (uint)targetFd;
                *(uint*)(attr + 4) = (uint)attachType;
                *(ulong*)(attr + 16) = (ulong)pIds;
                *(uint*)(attr + 24) = (uint)capacity;
                long r = RawSyscall.Invoke(Sys.bpf, CmdProgQuery, (long)attr, AttrSize);
                uint count = *(uint*)(attr + 24);
                // ENOSPC: more programs than room; prog_cnt says how many there are.
                if (r == -Errno.ENOSPC && count > capacity)
                {
                    capacity = (int)count;
                    continue;
                }
                if (r < 0) throw new LinuxException((int)-r, "unable to list the eBPF programs attached to the cgroup (BPF_PROG_QUERY)");
                return (ids[..(int)count], (int)*(uint*)(attr + 12));
            }
        }
    }

    /// <summary>BPF_PROG_GET_FD_BY_ID: a new fd for an attached program (needed to detach it).</summary>
    public static int TryGetProgramFd(uint id)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = id;
        return (int)RawSyscall.Invoke(Sys.bpf, CmdProgGetFdById, (long)attr, AttrSize);
    }

    /// <summary>The text the verifier wrote, up to its NUL.</summary>
    public static string LogText(byte[] log)
    {
        int end = Array.IndexOf(log, (byte)0);
        return Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end).TrimEnd();
    }
}
