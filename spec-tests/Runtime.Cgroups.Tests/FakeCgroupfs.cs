namespace Runsharp.Cgroups.Tests;

/// <summary>A temp directory that looks like cgroupfs. Unlike the kernel, mkdir makes no control files, so
/// tests create the files a step needs; a missing file then proves we never create one.</summary>
internal sealed class FakeCgroupfs : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "runsharp-cgfake-" + Guid.NewGuid().ToString("N"));

    readonly List<string> _lines = [];

    public FakeCgroupfs()
    {
        Directory.CreateDirectory(Root);
    }

    /// <summary>Adds a v1 hierarchy mounted at Root/&lt;dirName&gt;.</summary>
    public FakeCgroupfs V1(string dirName, string superOptions)
    {
        Directory.CreateDirectory(Path.Combine(Root, dirName));
        _lines.Add($"{30 + _lines.Count} 20 0:{40 + _lines.Count} / {Root}/{dirName} rw,relatime - cgroup cgroup rw,{superOptions}");
        return this;
    }

    public FakeCgroupfs V2(string dirName, string controllers)
    {
        var dir = dirName.Length == 0 ? Root : Path.Combine(Root, dirName);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "cgroup.controllers"), controllers);
        File.WriteAllText(Path.Combine(dir, "cgroup.subtree_control"), "");
        File.WriteAllText(Path.Combine(dir, "cgroup.procs"), "");
        _lines.Add($"{30 + _lines.Count} 20 0:{40 + _lines.Count} / {dir} rw,relatime - cgroup2 cgroup2 rw");
        return this;
    }

    public CgroupHost Host() => CgroupHost.Parse(string.Join('\n', _lines));

    public static readonly OwnCgroup RootOwn = OwnCgroup.Parse("1:cpu:/\n0::/\n");

    /// <summary>A manager for this tree; on v2 its device programs are recorded (<see cref="DevicePrograms"/>)
    /// instead of loaded, since a temp directory is not a cgroup the kernel could attach them to.</summary>
    public ICgroupManager Manager(string cgroupsPath, int createdDepth = 0, IReadOnlyDictionary<string, int>? createdDepths = null)
    {
        var m = CgroupManagerFactory.Create(Host(), cgroupsPath, "ctr",
            new CgroupManagerOptions { Own = RootOwn, CreatedDepth = createdDepth, CreatedDepths = createdDepths });
        if (m is V2.V2Manager v2)
            v2.DeviceProgramTarget = new RecordedDevicePrograms();
        return m;
    }

    /// <summary>The (directory, program) pairs a v2 manager from <see cref="Manager"/> attached so far.</summary>
    public static List<(string Dir, Runsharp.Linux.Bpf.BpfInstruction[] Program)> DevicePrograms(ICgroupManager m)
    {
        var recorder = new RecordedDevicePrograms();
        ((V2.V2Manager)m).DeviceProgramTarget = recorder;
        return recorder.Attached;
    }

    sealed class RecordedDevicePrograms : V2.IDeviceProgramTarget
    {
        public List<(string Dir, Runsharp.Linux.Bpf.BpfInstruction[] Program)> Attached { get; } = [];

        public void Replace(string dir, Runsharp.Linux.Bpf.BpfInstruction[] program) => Attached.Add((dir, program));
    }

    /// <summary>Writes control files (name=content) into Root/relative, creating the directory.</summary>
    public string Files(string relative, params (string Name, string Content)[] files)
    {
        var dir = Path.Combine(Root, relative);
        Directory.CreateDirectory(dir);
        foreach (var (name, content) in files)
            File.WriteAllText(Path.Combine(dir, name), content);
        return dir;
    }

    public string Read(string relative, string file) => File.ReadAllText(Path.Combine(Root, relative, file)).Trim();

    public bool DirExists(string relative) => Directory.Exists(Path.Combine(Root, relative));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
