namespace Runsharp.Linux.Native;

/// <summary>x86_64 system call numbers used directly (the rest go through Tmds.LibC).</summary>
public static class Sys
{
    public const long read = 0, write = 1, open = 2, close = 3, fstat = 5, poll = 7, lseek = 8, ioctl = 16,
        mmap = 9, mprotect = 10, munmap = 11, access = 21, pipe = 22, dup = 32, dup2 = 33, getpid = 39, sendmsg = 46, recvmsg = 47, clone = 56,
        execve = 59, exit = 60, wait4 = 61, kill = 62, fcntl = 72, flock = 73, chdir = 80, fchdir = 81,
        mkdir = 83, rmdir = 84, unlink = 87, symlink = 88, readlink = 89, chmod = 90, fchown = 93,
        umask = 95, getrlimit = 97, getuid = 102, getgid = 104, setuid = 105, setgid = 106, getppid = 110,
        setsid = 112, setgroups = 116, setresuid = 117, setresgid = 119, capget = 125, capset = 126,
        rt_sigaction = 13, rt_sigprocmask = 14, statfs = 137, fstatfs = 138, prctl = 157, setrlimit = 160,
        chroot = 161, mount = 165, umount2 = 166, sethostname = 170, setdomainname = 171, gettid = 186,
        exit_group = 231, openat = 257, mkdirat = 258, mknodat = 259, fchownat = 260, newfstatat = 262,
        unlinkat = 263, symlinkat = 266, readlinkat = 267, fchmodat = 268, faccessat = 269, unshare = 272,
        dup3 = 292, pipe2 = 293, prlimit64 = 302, setns = 308, pivot_root = 155, pidfd_send_signal = 424,
        pidfd_open = 434, clone3 = 435, close_range = 436, openat2 = 437, faccessat2 = 439,
        mount_setattr = 442, open_tree = 428, move_mount = 429, fsopen = 430, fsconfig = 431, fsmount = 432, memfd_create = 319, execveat = 322, statx = 332, keyctl = 250, seccomp = 317, pread64 = 17, bpf = 321;
}
