using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V2;

/// <summary>hugetlb.&lt;size&gt;.max.</summary>
internal sealed class HugetlbController : IController
{
    public string Name => "hugetlb";

    public bool Wants(LinuxResources r) => r.HugepageLimits is { Count: > 0 };

    public void Set(string dir, LinuxResources r)
    {
        foreach (var l in r.HugepageLimits!)
            CgroupFiles.Write(dir, V1.HugetlbSubsystem.HugetlbFile(dir, l.Pagesize, "max"), Str(l.Limit));
    }
}
