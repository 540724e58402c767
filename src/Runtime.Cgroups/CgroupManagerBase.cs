using System.Globalization;
using Runsharp.Spec;

namespace Runsharp.Cgroups;

/// <summary>What v1 and v2 share: directories, creation bookkeeping, procs and removal.</summary>
internal abstract class CgroupManagerBase : ICgroupManager
{
    // Per directory, how many trailing components we made; Destroy must not remove anyone else's cgroup.
    readonly Dictionary<string, int> _created = new(StringComparer.Ordinal);
    // What a create recorded, per directory (hierarchies can differ: a parent may exist in one and not another);
    // state written before that was recorded keeps one number for all of them.
    readonly IReadOnlyDictionary<string, int>? _recordedDepths;
    readonly int _recordedDepth;

    protected CgroupManagerBase(CgroupPaths paths, int createdDepth, IReadOnlyDictionary<string, int>? createdDepths)
    {
        Paths = paths;
        _recordedDepth = createdDepth;
        _recordedDepths = createdDepths;
    }

    public string Path => Paths.Path;
    public CgroupPaths Paths { get; }
    public abstract string? V2Path { get; }
    public int CreatedDepth
    {
        get
        {
            int most = 0;
            foreach (var dir in Paths.AllDirs) most = Math.Max(most, DepthOf(dir));
            return most;
        }
    }

    public IReadOnlyDictionary<string, int> CreatedDepths
    {
        get
        {
            var depths = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var dir in Paths.AllDirs) depths[dir] = DepthOf(dir);
            return depths;
        }
    }

    int DepthOf(string dir) =>
        _created.TryGetValue(dir, out var made) ? made
        : _recordedDepths is not null ? _recordedDepths.GetValueOrDefault(dir)
        : _recordedDepth;

    /// <summary>The directory that answers GetPids/Exists.</summary>
    protected abstract string PrimaryDir { get; }

    public void Create(LinuxResources? toBeSet = null)
    {
        foreach (var dir in Paths.AllDirs)
        {
            int made = CgroupFiles.MakeDirs(dir);
            _created[dir] = Math.Max(made, _created.GetValueOrDefault(dir));
        }
        Prepare(toBeSet);
    }

    /// <summary>Whether the last Create() made <paramref name="dir"/> itself (not only found it).</summary>
    protected bool MadeByCreate(string dir) => _created.GetValueOrDefault(dir) > 0;

    /// <summary>Makes freshly created directories ready to accept tasks.</summary>
    protected abstract void Prepare(LinuxResources? toBeSet);

    public abstract void Set(LinuxResources resources);

    public abstract Stats.CgroupStats GetStats();

    public abstract Stats.IOomWatch? WatchOom();

    public void AddProcess(int pid)
    {
        if (pid <= 0)
            throw new CgroupException($"invalid pid {pid} for cgroup.procs");
        var value = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var dir in Paths.AllDirs)
            CgroupFiles.Write(dir, "cgroup.procs", value);
    }

    public IReadOnlyList<int> GetPids() => CgroupFiles.ReadPids(PrimaryDir);

    public IReadOnlyList<int> GetAllPids() => CgroupFiles.ReadAllPids(PrimaryDir);

    public abstract void Freeze();

    public abstract void Thaw();

    public abstract FreezerState GetFreezerState();

    public bool TryKillAll()
    {
        if (V2Path is null)
            return false;
        try
        {
            CgroupFiles.Write(V2Path, "cgroup.kill", "1");
            return true;
        }
        catch (CgroupException e) when (e.Errno == CgroupErrors.ENOENT)
        {
            return false;
        }
    }

    public bool Exists() => Directory.Exists(PrimaryDir);

    public void Destroy()
    {
        CgroupException? first = null;
        long deadline = Environment.TickCount64 + CgroupFiles.BusyBudgetMs;
        foreach (var dir in Paths.AllDirs)
        {
            int depth = DepthOf(dir);
            if (depth <= 0)
                continue;
            try
            {
                CgroupFiles.RemoveTree(dir, deadline);
                RemoveCreatedParents(dir, depth - 1);
                _created.Remove(dir);
            }
            catch (CgroupException e)
            {
                // Keep going so one busy hierarchy does not leak the others.
                first ??= e;
            }
        }
        if (first is not null)
            throw first;
    }

    /// <summary>Intermediate directories we made; a sibling container may have started using them, so
    /// stop quietly at the first one that is not empty.</summary>
    static void RemoveCreatedParents(string leaf, int count)
    {
        var dir = leaf;
        for (int i = 0; i < count; i++)
        {
            dir = System.IO.Path.GetDirectoryName(dir)!;
            try
            {
                Directory.Delete(dir, recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    protected static void RequireMounted(string? dir, string controller)
    {
        if (dir is null)
            throw new CgroupException($"cgroup controller '{controller}' is not mounted");
    }
}
