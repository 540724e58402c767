using Runsharp.Container.Mounts;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Exec;

/// <summary>Where a process's pty master goes and how the pty starts out.</summary>
/// <param name="SocketFd">The socket the master is sent on: the caller's --console-socket, or the runtime's own
/// socketpair when it relays a foreground tty itself.</param>
/// <param name="Size">The initial window size, or null for the kernel's default (0x0).</param>
/// <param name="Relayed">The runtime relays the master to its own stdio (no --console-socket).</param>
public sealed record ConsoleRequest(int SocketFd, Box? Size, bool Relayed);

/// <summary>
/// terminal: true. The pty is made inside the container (its devpts), and its master goes to the caller's
/// console socket in one sendmsg carrying exactly one SCM_RIGHTS fd, as go-runc's receiver requires.
/// No path the container controls is trusted on the way (CVE-2025-52565 class): /dev/pts/ptmx is reached without
/// symlinks and proven to be a devpts ptmx before it is opened, the peer comes from the master (TIOCGPTPEER, never
/// /dev/pts/N), /dev/console is made with mknod (opening a FIFO an image put there would block create forever)
/// and reached without symlinks, and the bind goes fd to fd.
/// </summary>
public static class ConsoleCompiler
{
    private const string Field = "process.terminal";

    /// <param name="bindConsole">The init binds the peer onto /dev/console; an exec'd process leaves it alone.</param>
    public static void Compile(PlanBuilder plan, ConsoleRequest console, bool bindConsole)
    {
        int consoleSocketFd = console.SocketFd;
        var size = console.Size;
        var steps = new MountSteps(plan);
        var ptmx = OpenPtmx(steps);

        plan.Syscall($"unable to unlock the new pty ({Field})", Sys.ioctl, ptmx, Flags.TIOCSPTLCK, plan.Bytes(new byte[4]));
        if (size is { Height: > 0 } or { Width: > 0 })
        {
            var ws = new byte[8];
            BitConverter.TryWriteBytes(ws.AsSpan(0), (ushort)size!.Height);
            BitConverter.TryWriteBytes(ws.AsSpan(2), (ushort)size.Width);
            plan.Syscall("unable to set the console size (process.consoleSize)", Sys.ioctl, ptmx, Flags.TIOCSWINSZ, plan.Bytes(ws));
        }
        // The runtime relays a foreground tty to its own terminal, which adds the "\r" itself (as runc does).
        if (console.Relayed)
            plan.Step($"unable to turn off the pty's output mapping ({Field})", StepKind.ClearOnlcr, ptmx);
        var peer = plan.NewSlot();
        plan.Syscall($"unable to open the new pty's peer (TIOCGPTPEER) ({Field})", Sys.ioctl, ptmx, Flags.TIOCGPTPEER,
            Flags.O_RDWR | Flags.O_NOCTTY | Flags.O_CLOEXEC, result: peer);
        if (bindConsole) BindOntoDevConsole(steps, peer);

        // The message carries a name, as runc's does; the child fills in the master's fd.
        var msg = ScmRightsMessage.Build(plan, "/dev/ptmx"u8);
        plan.Step("store the pty master's fd", StepKind.StoreInt, msg.FdCell, ptmx);
        plan.Syscall("unable to send the pty master to the console socket (--console-socket)", Sys.sendmsg, consoleSocketFd, msg.Message, 0);
        steps.Close(ptmx);
        plan.Syscall("close", Sys.close, consoleSocketFd);
        plan.Step($"unable to make the pty the controlling terminal and stdio ({Field})", StepKind.AdoptTerminal, peer);
    }

    /// <summary>
    /// /dev/pts/ptmx opened as a path only (no symlink on the way), proven to be the ptmx inode of a devpts mount,
    /// then reopened read-write through its fd, and the open file checked again. Returns the master's slot.
    /// </summary>
    private static Slot OpenPtmx(MountSteps steps)
    {
        var plan = steps.Plan;
        const string notPtmx = $"/dev/pts/ptmx in the container is not the ptmx of a devpts mount ({Field})";
        var handle = steps.OpenInRoot(Flags.AT_FDCWD, "dev/pts/ptmx", Flags.O_PATH,
            $"unable to open /dev/pts/ptmx in the container without following symlinks ({Field})", noSymlinks: true);
        VerifyPtmx(plan, handle, notPtmx);
        var master = plan.NewSlot();
        plan.Syscall($"unable to open a new pty ({Field})", Sys.open, steps.FdPath(handle, "format the ptmx fd's path"),
            Flags.O_RDWR | Flags.O_NOCTTY | Flags.O_CLOEXEC, result: master);
        VerifyPtmx(plan, master, notPtmx);
        steps.Close(handle);
        return master;
    }

    private static void VerifyPtmx(PlanBuilder plan, Slot fd, string description) =>
        plan.Step(description, StepKind.VerifyInode, fd, Flags.DEVPTS_SUPER_MAGIC, Flags.DEVPTS_PTMX_INO, Flags.S_IFCHR,
            DeviceCompiler.MakeDev(5, 2));

    private static void BindOntoDevConsole(MountSteps steps, Slot peer)
    {
        var plan = steps.Plan;
        // An empty regular file as the mount point if nothing is there; mknod opens nothing, so whatever the image
        // put at /dev/console (a FIFO, a device) is never opened.
        plan.Syscall($"unable to create /dev/console ({Field})", Sys.mknodat, Flags.AT_FDCWD, plan.String("/dev/console"),
            Flags.S_IFREG | 0x1b6, 0, ignoreErrno: Linux.Errno.EEXIST);
        var target = steps.OpenInRoot(Flags.AT_FDCWD, "dev/console", Flags.O_PATH,
            $"unable to open /dev/console in the container without following symlinks ({Field})", noSymlinks: true);
        var source = plan.Zeroed(32);
        plan.Step("format the pty peer's fd path", StepKind.FormatFdPath, source, peer);
        var onto = steps.FdPath(target, "format the /dev/console fd's path");
        plan.Syscall($"unable to bind the pty onto /dev/console ({Field})", Sys.mount, source, onto, 0, Flags.MS_BIND, 0);
        steps.Close(target);
    }
}
