using Runsharp.Spec;

namespace Runsharp.Cgroups.V1;

internal sealed class CpusetSubsystem : ISubsystem
{
    internal const string Cpus = "cpuset.cpus";
    internal const string Mems = "cpuset.mems";

    public string Name => "cpuset";

    public bool Wants(LinuxResources r) =>
        !string.IsNullOrEmpty(r.Cpu?.Cpus) || !string.IsNullOrEmpty(r.Cpu?.Mems);

    public void Set(string dir, LinuxResources r)
    {
        if (!string.IsNullOrEmpty(r.Cpu!.Cpus))
            CgroupFiles.Write(dir, Cpus, r.Cpu.Cpus);
        if (!string.IsNullOrEmpty(r.Cpu.Mems))
            CgroupFiles.Write(dir, Mems, r.Cpu.Mems);
    }

    /// <summary>A new v1 cpuset starts with empty cpus/mems and refuses tasks until they are set. Fill every
    /// empty level from its parent, top-down.</summary>
    internal static void InheritFromParents(string leaf)
    {
        var empty = new Stack<string>();
        for (var dir = leaf; ; dir = Path.GetDirectoryName(dir)!)
        {
            var parent = Path.GetDirectoryName(dir);
            if (parent is null || !CgroupFiles.Exists(parent, Cpus))
                break; // dir is the hierarchy root
            if (CgroupFiles.Read(dir, Cpus).Length > 0 && CgroupFiles.Read(dir, Mems).Length > 0)
                break;
            empty.Push(dir);
        }
        while (empty.Count > 0)
        {
            var dir = empty.Pop();
            var parent = Path.GetDirectoryName(dir)!;
            foreach (var file in new[] { Cpus, Mems })
                if (CgroupFiles.Read(dir, file).Length == 0)
                    CgroupFiles.Write(dir, file, CgroupFiles.Read(parent, file));
        }
    }
}
