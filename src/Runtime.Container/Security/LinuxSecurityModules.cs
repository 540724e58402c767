using System.Text;
using Runsharp.Container.Mounts;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Security;

/// <summary>
/// process.apparmorProfile and process.selinuxLabel: written to the init's /proc/thread-self/attr just before
/// execve, so they apply to the program. A host without that LSM gets a clear error: silently running a
/// container unconfined that asked for confinement would be worse than not running it.
/// </summary>
public static class LinuxSecurityModules
{
    public static bool AppArmorEnabled =>
        File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").Trim() == "Y";

    public static bool SelinuxEnabled => File.Exists("/sys/fs/selinux/enforce");

    public static void Compile(PlanBuilder plan, OciProcess process)
    {
        if (!string.IsNullOrEmpty(process.ApparmorProfile))
        {
            if (!AppArmorEnabled)
                throw new ContainerException($"process.apparmorProfile: cannot apply profile \"{process.ApparmorProfile}\": apparmor is not enabled on this host");
            WriteAttr(plan, "proc/thread-self/attr/apparmor/exec", "exec " + process.ApparmorProfile, "process.apparmorProfile");
        }
        if (!string.IsNullOrEmpty(process.SelinuxLabel))
        {
            if (!SelinuxEnabled)
                throw new ContainerException($"process.selinuxLabel: cannot apply label \"{process.SelinuxLabel}\": selinux is not enabled on this host");
            WriteAttr(plan, "proc/thread-self/attr/exec", process.SelinuxLabel, "process.selinuxLabel");
        }
    }

    private static void WriteAttr(PlanBuilder plan, string path, string value, string field)
    {
        var steps = new MountSteps(plan);
        string what = $"unable to write /{path} ({field})";
        var fd = steps.OpenInRoot(Flags.AT_FDCWD, path, Flags.O_WRONLY, what);
        var bytes = Encoding.UTF8.GetBytes(value);
        plan.Syscall(what, Sys.write, fd, plan.Bytes(bytes), bytes.Length);
        steps.Close(fd);
    }
}
