using System.Text;
using Runsharp.Container.Mounts;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Security;

/// <summary>
/// process.apparmorProfile and process.selinuxLabel: written to the init's /proc/thread-self/attr just before
/// execve, so they apply to the program. A host without that LSM gets a clear error: silently running a
/// container unconfined that asked for confinement would be worse than not running it. The attr file is reached
/// through <see cref="ProcfsSteps"/>: a mount over /proc/self/attr (CVE-2019-16884, CVE-2023-27561) or over the
/// attr file itself (CVE-2025-52881) fails the create by name instead of taking the label.
/// </summary>
public static class LinuxSecurityModules
{
    public static void Compile(PlanBuilder plan, OciProcess process, LsmHost host)
    {
        if (!string.IsNullOrEmpty(process.ApparmorProfile))
        {
            if (!host.AppArmor)
                throw new ContainerException($"process.apparmorProfile: cannot apply profile \"{process.ApparmorProfile}\": apparmor is not enabled on this host");
            WriteAttr(plan, "attr/apparmor/exec", "exec " + process.ApparmorProfile, "process.apparmorProfile");
        }
        if (!string.IsNullOrEmpty(process.SelinuxLabel))
        {
            if (!host.Selinux)
                throw new ContainerException($"process.selinuxLabel: cannot apply label \"{process.SelinuxLabel}\": selinux is not enabled on this host");
            WriteAttr(plan, "attr/exec", process.SelinuxLabel, "process.selinuxLabel");
        }
    }

    private static void WriteAttr(PlanBuilder plan, string attr, string value, string field)
    {
        var steps = new MountSteps(plan);
        var procfs = new ProcfsSteps(steps);
        string shown = "/proc/thread-self/" + attr;
        var proc = procfs.OpenDirectory("proc", root: true, field);
        var thread = procfs.OpenThreadSelf(proc, field);
        var fd = procfs.OpenFileForWriting(thread, attr, shown, $"unable to open {shown} without symlinks or crossing a mount ({field})", field);
        var bytes = Encoding.UTF8.GetBytes(value);
        plan.Syscall($"unable to write {shown} ({field})", Sys.write, fd, plan.Bytes(bytes), bytes.Length);
        steps.Close(fd);
        steps.Close(thread);
        steps.Close(proc);
    }
}
