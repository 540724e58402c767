using Runsharp.Linux;
using Runsharp.Linux.Bpf;
using Runsharp.Linux.Native;

namespace Runsharp.Cgroups.V2;

/// <summary>
/// Loads a device program and attaches it to a cgroup2 directory with BPF_F_ALLOW_MULTI, then detaches the
/// programs that were attached there before (found with BPF_PROG_QUERY). Between the two steps both run and an
/// access needs both to allow it, so the swap never opens anything that either set of rules denies.
/// </summary>
internal sealed class KernelDeviceProgramTarget : IDeviceProgramTarget
{
    public static readonly KernelDeviceProgramTarget Instance = new();

    // Any license string loads: the program calls no kernel helper, so GPL-only helpers are not a concern.
    const string License = "Apache-2.0";
    const string ProgramName = "runsharp_dev";

    public void Replace(string dir, BpfInstruction[] program)
    {
        // bpf(2) needs privileges of the initial user namespace; a container started without them could not
        // reach a device the runtime itself cannot (runc skips the filter in a user namespace too).
        if (Posix.Geteuid() != 0 || V1.DevicesSubsystem.InUserNamespace())
            return;
        Attach(dir, program);
    }

    /// <summary>Attaches <paramref name="program"/> and detaches whatever device programs were there before.</summary>
    internal static void Attach(string dir, BpfInstruction[] program)
    {
        int dirFd = Posix.TryOpen(dir, Flags.O_DIRECTORY | Flags.O_RDONLY);
        if (dirFd < 0)
            throw new CgroupException($"unable to open {dir} for the device filter: {CgroupErrors.Text(-dirFd)}", -dirFd);
        try
        {
            uint[] old;
            try { old = BpfSyscalls.Query(dirFd, BpfSyscalls.AttachCgroupDevice).Ids; }
            catch (LinuxException e) { throw new CgroupException($"{e.Action} {dir}: {CgroupErrors.Text(e.ErrorNumber)}", e.ErrorNumber); }
            int progFd = Load(program);
            try
            {
                int r = BpfSyscalls.TryAttach(dirFd, progFd, BpfSyscalls.AttachCgroupDevice, BpfSyscalls.FlagAllowMulti);
                if (r < 0)
                    throw new CgroupException($"unable to attach the device filter (eBPF) to {dir}: {CgroupErrors.Text(-r)}", -r);
            }
            finally
            {
                Posix.Close(progFd);
            }
            foreach (var id in old)
                Detach(dirFd, dir, id);
        }
        finally
        {
            Posix.Close(dirFd);
        }
    }

    /// <summary>Loads the program; when the kernel refuses it, loads it again with the verifier's log and puts
    /// the end of that log in the error (the start only repeats the instructions).</summary>
    static int Load(BpfInstruction[] program)
    {
        int fd = BpfSyscalls.TryLoadProgram(BpfSyscalls.ProgTypeCgroupDevice, program, License, ProgramName);
        if (fd >= 0)
            return fd;
        var log = new byte[256 * 1024];
        int again = BpfSyscalls.TryLoadProgram(BpfSyscalls.ProgTypeCgroupDevice, program, License, ProgramName, log);
        if (again >= 0)
            return again;
        var text = BpfSyscalls.LogText(log);
        if (text.Length > 2000)
            text = "..." + text[^2000..];
        throw new CgroupException(
            $"unable to load the device filter (eBPF, {program.Length} instructions): {CgroupErrors.Text(-fd)}" +
            (text.Length > 0 ? $"; verifier log: {text}" : ""), -fd);
    }

    static void Detach(int dirFd, string dir, uint id)
    {
        int fd = BpfSyscalls.TryGetProgramFd(id);
        if (fd == -Errno.ENOENT)
            return; // already gone (detached by a concurrent update)
        if (fd < 0)
            throw new CgroupException($"unable to open the old device filter (eBPF program {id}) of {dir}: {CgroupErrors.Text(-fd)}", -fd);
        try
        {
            int r = BpfSyscalls.TryDetach(dirFd, fd, BpfSyscalls.AttachCgroupDevice);
            if (r < 0 && r != -Errno.ENOENT)
                throw new CgroupException($"unable to detach the old device filter (eBPF program {id}) from {dir}: {CgroupErrors.Text(-r)}", -r);
        }
        finally
        {
            Posix.Close(fd);
        }
    }
}
