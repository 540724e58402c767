using System.Diagnostics;

namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// The busybox rootfs, built once per test run by scripts/mkrootfs.sh into a temp dir and shared (read-only
/// by convention) by every bundle that does not ask for a private copy. Removed when the test host exits.
/// </summary>
public static class SharedRootfs
{
    private static readonly Lazy<string> Lazy = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => Lazy.Value;

    /// <summary>Where every temp dir of this run lives (one per test host process).</summary>
    public static readonly string RunDir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"runsharp-it-{Environment.ProcessId}");

    private static string Build()
    {
        RemoveStaleRunDirs();
        Directory.CreateDirectory(RunDir);
        var dir = System.IO.Path.Combine(RunDir, "rootfs");
        var script = System.IO.Path.Combine(Env.RepoRoot, "scripts", "mkrootfs.sh");
        var r = Sh.Run($"{Env.Q(script)} {Env.Q(dir)}", TimeSpan.FromMinutes(5));
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"mkrootfs.sh failed ({r.ExitCode}): {r.Stdout}\n{r.Stderr}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (!Mounts.Under(RunDir).Any()) Directory.Delete(RunDir, true); } catch { /* best effort */ }
        };
        return dir;
    }

    /// <summary>Removes run dirs of earlier test hosts that are gone (e.g. killed before ProcessExit ran).</summary>
    private static void RemoveStaleRunDirs()
    {
        foreach (var dir in Directory.GetDirectories(System.IO.Path.GetTempPath(), "runsharp-it-*"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir)["runsharp-it-".Length..], out var pid)) continue;
            if (pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}")) continue;
            try { if (!Mounts.Under(dir).Any()) Directory.Delete(dir, true); } catch { /* best effort */ }
        }
    }

    /// <summary>Copies the shared rootfs to <paramref name="dest"/> (cp -a keeps symlinks, modes and owners).</summary>
    public static void CopyTo(string dest)
    {
        var r = Sh.Run($"cp -a {Env.Q(Path)} {Env.Q(dest)}", TimeSpan.FromSeconds(60));
        if (r.ExitCode != 0) throw new InvalidOperationException($"cp -a rootfs failed: {r.Stderr}");
    }
}

/// <summary>Runs small host-side shell commands (the test's own helpers, never the runtime).</summary>
public static class Sh
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string script, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var so = p.StandardOutput.ReadToEndAsync();
        var se = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Env.Patience(timeout ?? TimeSpan.FromSeconds(30))))
        {
            try { p.Kill(true); } catch { }
            throw new TimeoutException($"host command timed out: {script}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, so.Result, se.Result);
    }
}

/// <summary>Reads /proc/self/mountinfo of the test process (the runtime runs in the same mount namespace).</summary>
public static class Mounts
{
    public static IEnumerable<string> MountPoints()
    {
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            var f = line.Split(' ');
            if (f.Length > 4) yield return Unescape(f[4]);
        }
    }

    public static IEnumerable<string> Under(string dir)
    {
        dir = dir.TrimEnd('/');
        return MountPoints().Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal)).ToList();
    }

    private static string Unescape(string s) =>
        System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
