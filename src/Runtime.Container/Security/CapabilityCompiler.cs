using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Security;

/// <summary>Bounding-set drops (while still privileged), then capset and ambient raises (after the user switch).</summary>
public static class CapabilityCompiler
{
    public static void CompileBoundingDrop(PlanBuilder plan, LinuxCapabilities? caps, int lastCap)
    {
        if (caps is null) return;
        ulong bounding = Capabilities.Mask(caps.Bounding, lastCap, "process.capabilities.bounding");
        for (int cap = 0; cap <= lastCap; cap++)
        {
            if ((bounding & (1UL << cap)) != 0) continue;
            string name = cap < Capabilities.Names.Count ? Capabilities.Names[cap] : cap.ToString();
            plan.Syscall($"unable to drop {name} from the bounding set (process.capabilities.bounding)",
                Sys.prctl, Flags.PR_CAPBSET_DROP, cap);
        }
    }

    public static void CompileSets(PlanBuilder plan, LinuxCapabilities? caps, int lastCap)
    {
        if (caps is null) return;
        ulong eff = Capabilities.Mask(caps.Effective, lastCap, "process.capabilities.effective");
        ulong prm = Capabilities.Mask(caps.Permitted, lastCap, "process.capabilities.permitted");
        ulong inh = Capabilities.Mask(caps.Inheritable, lastCap, "process.capabilities.inheritable");
        ulong amb = Capabilities.Mask(caps.Ambient, lastCap, "process.capabilities.ambient");

        // struct __user_cap_header_struct { u32 version = _LINUX_CAPABILITY_VERSION_3; int pid; }
        // followed by two __user_cap_data_struct { u32 effective, permitted, inheritable; } (low, high words).
        var header = new byte[8];
        BitConverter.TryWriteBytes(header.AsSpan(0), 0x20080522u);
        var data = new byte[24];
        WriteWords(data, 0, eff);
        WriteWords(data, 4, prm);
        WriteWords(data, 8, inh);
        plan.Syscall($"unable to set capabilities (process.capabilities{WhyNotGrantable(caps, lastCap)})", Sys.capset, plan.Bytes(header), plan.Bytes(data));

        plan.Syscall("unable to clear ambient capabilities", Sys.prctl, Flags.PR_CAP_AMBIENT, Flags.PR_CAP_AMBIENT_CLEAR_ALL);
        for (int cap = 0; cap <= lastCap; cap++)
        {
            if ((amb & (1UL << cap)) == 0) continue;
            // The kernel refuses a cap that is not also permitted and inheritable; runc skips those, and so do we.
            plan.Syscall($"unable to raise ambient capability {Capabilities.Names[cap]} (process.capabilities.ambient)",
                Sys.prctl, Flags.PR_CAP_AMBIENT, Flags.PR_CAP_AMBIENT_RAISE, cap, ignoreErrno: Linux.Errno.EPERM);
        }
    }

    /// <summary>
    /// capset(2) fails with EPERM for a capability outside the bounding set this process inherited (this host's
    /// root lacks CAP_SYS_RESOURCE): name them in the step's message, which is shown only if capset fails.
    /// runc and crun fail here too; dropping them silently would hand the container less than it asked for.
    /// </summary>
    private static string WhyNotGrantable(LinuxCapabilities caps, int lastCap)
    {
        ulong own = Capabilities.OwnBoundingSet(lastCap);
        var missing = Capabilities.Outside(caps.Effective, own, lastCap)
            .Concat(Capabilities.Outside(caps.Permitted, own, lastCap))
            .Concat(Capabilities.Outside(caps.Inheritable, own, lastCap)).Distinct().ToList();
        return missing.Count == 0 ? "" : $": {string.Join(", ", missing)} not in the runtime's own bounding set";
    }

    private static void WriteWords(byte[] data, int offset, ulong mask)
    {
        BitConverter.TryWriteBytes(data.AsSpan(offset), (uint)mask);
        BitConverter.TryWriteBytes(data.AsSpan(offset + 12), (uint)(mask >> 32));
    }
}
