using System.Text;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;

namespace Runsharp.Container.Namespaces;

/// <summary>hostname and domainname, set inside the container's uts namespace.</summary>
public static class UtsCompiler
{
    public static void Compile(PlanBuilder plan, Spec.Spec spec)
    {
        if (!string.IsNullOrEmpty(spec.Hostname))
            plan.Syscall($"unable to set the hostname \"{spec.Hostname}\" (hostname)", Sys.sethostname,
                plan.String(spec.Hostname), Encoding.UTF8.GetByteCount(spec.Hostname));
        if (!string.IsNullOrEmpty(spec.Domainname))
            plan.Syscall($"unable to set the domainname \"{spec.Domainname}\" (domainname)", Sys.setdomainname,
                plan.String(spec.Domainname), Encoding.UTF8.GetByteCount(spec.Domainname));
    }
}
