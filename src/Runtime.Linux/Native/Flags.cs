namespace Runsharp.Linux.Native;

/// <summary>Kernel ABI constants (x86_64) as compile-time values, so plans can be built from them.</summary>
public static class Flags
{
    // open(2)
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
        O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_SYNC = 0x101000, O_DIRECTORY = 0x10000,
        O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000, AT_EACCESS = 0x200,
        AT_REMOVEDIR = 0x200, AT_RECURSIVE = 0x8000;

    // open_tree(2), move_mount(2), mount_setattr(2)
    public const int OPEN_TREE_CLONE = 1, MOVE_MOUNT_F_EMPTY_PATH = 0x04, MOVE_MOUNT_T_EMPTY_PATH = 0x40;
    public const ulong MOUNT_ATTR_IDMAP = 0x00100000;
    public const ulong MOUNT_ATTR_RDONLY = 0x1, MOUNT_ATTR_NOSUID = 0x2, MOUNT_ATTR_NODEV = 0x4, MOUNT_ATTR_NOEXEC = 0x8,
        MOUNT_ATTR_NOATIME = 0x10, MOUNT_ATTR_STRICTATIME = 0x20, MOUNT_ATTR_NODIRATIME = 0x80, MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

    // fsopen(2), fsconfig(2), fsmount(2)
    public const int FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1;
    public const int FSCONFIG_SET_FLAG = 0, FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;

    // openat2(2) resolve flags
    public const ulong RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
        RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;

    // clone(2) / unshare(2) / setns(2)
    public const long CLONE_NEWTIME = 0x80, CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400,
        CLONE_PIDFD = 0x1000, CLONE_PARENT = 0x8000, CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x02000000,
        CLONE_NEWUTS = 0x04000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000,
        CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000, CLONE_INTO_CGROUP = 0x200000000;

    // mount(2)
    public const long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
        MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024,
        MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
        MS_POSIXACL = 1 << 16, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
        MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21, MS_I_VERSION = 1 << 23, MS_STRICTATIME = 1 << 24,
        MS_LAZYTIME = 1 << 25;
    public const int MNT_DETACH = 2, UMOUNT_NOFOLLOW = 8;

    // prctl(2)
    public const int PR_SET_PDEATHSIG = 1, PR_SET_DUMPABLE = 4, PR_SET_KEEPCAPS = 8, PR_SET_NAME = 15,
        PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24, PR_SET_NO_NEW_PRIVS = 38, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_RAISE = 2,
        PR_CAP_AMBIENT_CLEAR_ALL = 4, PR_SET_CHILD_SUBREAPER = 36;

    // file modes
    public const int S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFREG = 0x8000,
        S_IFIFO = 0x1000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;

    // signals, wait
    public const int SIGKILL = 9, SIGCHLD = 17, SIGTERM = 15, SIG_SETMASK = 2, WNOHANG = 1, __WALL = 0x40000000;

    // ioctl
    public const uint TIOCSCTTY = 0x540E, TIOCGPTN = 0x80045430, TIOCSPTLCK = 0x40045431, TIOCSWINSZ = 0x5414,
        TIOCGPTPEER = 0x5441, TIOCGWINSZ = 0x5413, TCGETS = 0x5401, TCSETS = 0x5402, NS_GET_NSTYPE = 0xB703;
    /// <summary>termios c_oflag: map "\n" to "\r\n" on output.</summary>
    public const uint ONLCR = 0x4;

    // statfs(2) f_type values, and fixed inode numbers the kernel gives a filesystem's well-known files
    public const long PROC_SUPER_MAGIC = 0x9fa0, DEVPTS_SUPER_MAGIC = 0x1cd1;
    /// <summary>The root of every procfs mount (PROC_ROOT_INO) and the ptmx of every devpts mount (mknod_ptmx).</summary>
    public const long PROC_ROOT_INO = 1, DEVPTS_PTMX_INO = 2;

    public const int CLOSE_RANGE_CLOEXEC = 4;
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    public const int SOL_SOCKET = 1, SCM_RIGHTS = 1, AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000;
}
