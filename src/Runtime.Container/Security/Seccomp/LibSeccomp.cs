using System.Runtime.InteropServices;

namespace Runsharp.Container.Security.Seccomp;

/// <summary>
/// The few libseccomp (Debian's libseccomp2, 2.5.x) entry points the parent uses to build a filter and
/// export it as classic BPF. Used only in the parent, before the fork; nothing here runs in the child.
/// Functions that can fail return a negative errno.
/// </summary>
internal static unsafe partial class LibSeccomp
{
    private const string Lib = "libseccomp.so.2";

    /// <summary>struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; scmp_datum_t datum_a, datum_b; }.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ArgCmp
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    // enum scmp_filter_attr
    public const int AttrCtlNnp = 3;
    public const int AttrCtlOptimize = 8;

    /// <summary>__NR_SCMP_ERROR: the name is not a syscall libseccomp knows.</summary>
    public const int NrScmpError = -1;

    [LibraryImport(Lib, EntryPoint = "seccomp_init")]
    public static partial nint Init(uint defaultAction);

    [LibraryImport(Lib, EntryPoint = "seccomp_release")]
    public static partial void Release(nint ctx);

    [LibraryImport(Lib, EntryPoint = "seccomp_arch_add")]
    public static partial int ArchAdd(nint ctx, uint archToken);

    [LibraryImport(Lib, EntryPoint = "seccomp_arch_native")]
    public static partial uint ArchNative();

    [LibraryImport(Lib, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SyscallResolveName(string name);

    [LibraryImport(Lib, EntryPoint = "seccomp_rule_add_array")]
    public static partial int RuleAddArray(nint ctx, uint action, int syscall, uint argCount, ArgCmp* args);

    [LibraryImport(Lib, EntryPoint = "seccomp_attr_set")]
    public static partial int AttrSet(nint ctx, int attr, uint value);

    [LibraryImport(Lib, EntryPoint = "seccomp_export_bpf")]
    public static partial int ExportBpf(nint ctx, int fd);
}
