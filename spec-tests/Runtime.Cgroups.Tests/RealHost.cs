using System.Diagnostics;

namespace Runsharp.Cgroups.Tests;

/// <summary>Runs only as root on a hybrid host like the dev machines (v1 controllers plus cgroup2 at
/// /sys/fs/cgroup/unified). Tests create cgroups under names they own and always remove them.</summary>
public sealed class HybridRootFactAttribute : FactAttribute
{
    public HybridRootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root";
        else if (!IsHybrid())
            Skip = "needs a hybrid cgroup host (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)";
    }

    static bool IsHybrid()
    {
        try
        {
            var host = CgroupHost.Detect();
            return host.Mode == CgroupMode.Hybrid && host.V1Mount("memory") is not null && host.V1Mount("pids") is not null
                && host.V1Mount("cpu") is not null && host.V1Mount("cpuset") is not null;
        }
        catch (CgroupException)
        {
            return false;
        }
    }
}

/// <summary>A `sleep 30` the test started; killed by pid on dispose.</summary>
internal sealed class Sleeper : IDisposable
{
    readonly Process _process;

    public Sleeper()
    {
        _process = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
    }

    public int Pid => _process.Id;

    /// <summary>The process's /proc/&lt;pid&gt;/cgroup as controller list -> path.</summary>
    public Dictionary<string, string> Cgroups()
    {
        var result = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines($"/proc/{Pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            result[parts[1]] = parts[2];
        }
        return result;
    }

    /// <summary>Sends SIGKILL; wait=false leaves the kernel still tearing it down.</summary>
    public void Kill(bool wait = true)
    {
        if (_process.HasExited)
            return;
        _process.Kill();
        if (wait)
            _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}

/// <summary>Unique test-owned cgroup names and a last-resort cleanup that only touches them.</summary>
internal static class TestCgroups
{
    public static string NewName() => "runsharp-test-" + Guid.NewGuid().ToString("N");

    /// <summary>rmdir name (and children) in every hierarchy of this host, deepest first.</summary>
    public static void Cleanup(string name)
    {
        var host = CgroupHost.Detect();
        var mounts = host.V1Mounts.Select(m => m.MountPoint).Concat(host.Unified is null ? [] : [host.Unified.MountPoint]);
        foreach (var mount in mounts)
        {
            var dir = Path.Combine(mount, name.TrimStart('/'));
            if (!Directory.Exists(dir))
                continue;
            foreach (var child in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                TryRmdir(child);
            TryRmdir(dir);
        }
    }

    static void TryRmdir(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: false);
        }
        catch (IOException)
        {
        }
    }

    public static bool LeftAnywhere(string name)
    {
        var host = CgroupHost.Detect();
        return host.V1Mounts.Select(m => m.MountPoint).Concat([host.Unified!.MountPoint])
            .Any(mount => Directory.Exists(Path.Combine(mount, name.TrimStart('/'))));
    }
}
