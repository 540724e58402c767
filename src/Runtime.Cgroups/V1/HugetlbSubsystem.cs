using Runsharp.Spec;
using static Runsharp.Cgroups.CgroupConverters;

namespace Runsharp.Cgroups.V1;

/// <summary>hugetlb.&lt;size&gt;.limit_in_bytes, size as the kernel names it ("2MB", "1GB").</summary>
internal sealed class HugetlbSubsystem : ISubsystem
{
    public string Name => "hugetlb";

    public bool Wants(LinuxResources r) => r.HugepageLimits is { Count: > 0 };

    public void Set(string dir, LinuxResources r)
    {
        foreach (var l in r.HugepageLimits!)
            CgroupFiles.Write(dir, HugetlbFile(dir, l.Pagesize, "limit_in_bytes"), Str(l.Limit));
    }

    /// <summary>"hugetlb.2MB.&lt;suffix&gt;"; a page size the kernel does not support has no file, which is an
    /// error that names the size rather than a bare ENOENT.</summary>
    internal static string HugetlbFile(string dir, string pageSize, string suffix)
    {
        if (!IsPageSizeName(pageSize))
            throw new CgroupException($"invalid hugepage size '{pageSize}': expected a power of two with KB, MB or GB (e.g. 2MB)");
        var file = $"hugetlb.{pageSize}.{suffix}";
        if (!CgroupFiles.Exists(dir, file))
            throw new CgroupException($"invalid hugepage size '{pageSize}': {file} does not exist in {dir} (the kernel does not support this page size)", CgroupErrors.ENOENT);
        return file;
    }

    /// <summary>The kernel's spelling: a power of two followed by KB, MB or GB.</summary>
    internal static bool IsPageSizeName(string s)
    {
        if (s.Length < 3 || !(s.EndsWith("KB", StringComparison.Ordinal) || s.EndsWith("MB", StringComparison.Ordinal) || s.EndsWith("GB", StringComparison.Ordinal)))
            return false;
        return ulong.TryParse(s.AsSpan(0, s.Length - 2), System.Globalization.NumberStyles.None, null, out var n) &&
               n != 0 && (n & (n - 1)) == 0;
    }
}
