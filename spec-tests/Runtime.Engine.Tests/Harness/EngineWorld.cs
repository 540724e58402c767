using System.Diagnostics;

namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// A private world for one engine: new mount, pid and network namespaces, the pid namespace's pid 1 being tini.
/// Every daemon and CLI of the engine runs inside it (through nsenter), so that:
/// - paths the engines hard-code (containerd's shim sockets under /run/containerd, podman's /dev/shm lock and
///   /var/lib/containers/cache, dockerd's /etc/docker/key.json) land on private tmpfs mounts, never the host;
/// - every mount the engines and the runtime make stays in this namespace and goes away with it;
/// - network settings the engines make (dockerd turns on net.ipv4.ip_forward) stay in a network namespace that
///   has only a loopback device;
/// - orphans (shims, conmon) are reparented to tini, which reaps them, instead of the host's pid 1;
/// - when tini dies the kernel kills whatever is left in the namespace.
/// The tests still stop each engine gracefully and check that nothing was left before tini is killed.
/// </summary>
public sealed class EngineWorld : IDisposable
{
    private const string KeeperMarker = "runsharp-engine-keeper-";

    /// <summary>Temp dir of this engine: config, state, sockets, storage.</summary>
    public string Dir { get; }

    /// <summary>Host pid of tini, the pid 1 of the world.</summary>
    public int KeeperPid { get; }

    private readonly Process _unshare;
    private readonly List<BackgroundCommand> _daemons = new();

    public EngineWorld(string name, IEnumerable<string> privateTmpfs)
    {
        KillStaleKeepers();
        Dir = Path.Combine(SharedRootfs.RunDir, $"{name}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(Dir);
        var ready = Path.Combine(Dir, "world-ready");
        // /dev/shm is world-writable as on the host; the rest 755.
        var mounts = string.Join("; ", privateTmpfs.Select(d =>
            $"mount -t tmpfs -o mode={(d == "/dev/shm" ? "1777" : "755")} runsharp-engine {Env.Q(d)}"));
        var setup = $"set -e; {mounts}; touch {Env.Q(ready)}; exec sleep infinity";
        var psi = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--mount", "--pid", "--net", "--fork", "--propagation", "private", "--mount-proc",
                     "tini", "--", "sh", "-c", setup, $"{KeeperMarker}{Environment.ProcessId}" })
            psi.ArgumentList.Add(a);
        _unshare = Process.Start(psi)!;
        _unshare.StandardInput.Close();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(ready))
        {
            if (_unshare.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"the private namespace for {name} did not start: " +
                    (_unshare.HasExited ? _unshare.StandardError.ReadToEnd() : "timeout"));
            Thread.Sleep(20);
        }
        var children = File.ReadAllText($"/proc/{_unshare.Id}/task/{_unshare.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        KeeperPid = int.Parse(children.Single());
    }

    /// <summary>argv prefixed with nsenter into the world, with the given environment.</summary>
    public List<string> Inside(IEnumerable<string> argv, IReadOnlyDictionary<string, string>? env = null)
    {
        var full = new List<string> { "nsenter", "-t", KeeperPid.ToString(), "-m", "-p", "-n", "--", "env" };
        if (env != null) full.AddRange(env.Select(kv => $"{kv.Key}={kv.Value}"));
        full.AddRange(argv);
        return full;
    }

    /// <summary>Runs a command inside the world and waits for it (stdin: the given text, or nothing).</summary>
    public CommandResult Run(IEnumerable<string> argv, string? stdin = null, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        using var c = new BackgroundCommand(Inside(argv, env), stdin ?? "");
        return c.Wait(timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts a command inside the world without waiting for it (stdin: closed, or held open).</summary>
    public BackgroundCommand Start(IEnumerable<string> argv, IReadOnlyDictionary<string, string>? env = null, bool holdStdin = false) =>
        new(Inside(argv, env), holdStdin ? null : "");

    /// <summary>Starts a daemon inside the world, its output going to <paramref name="logFile"/>.</summary>
    public void StartDaemon(IEnumerable<string> argv, string logFile, IReadOnlyDictionary<string, string>? env = null)
    {
        var cmd = string.Join(' ', argv.Select(Env.Q)) + $" >{Env.Q(logFile)} 2>&1";
        _daemons.Add(Start(["sh", "-c", "exec " + cmd], env));
    }

    /// <summary>Host pids of every process in the world except tini and its sleep.</summary>
    public List<(int Pid, string Cmdline)> Processes()
    {
        var ns = PidNamespace(KeeperPid);
        var list = new List<(int, string)>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out var pid) || pid == KeeperPid) continue;
            if (PidNamespace(pid) != ns || !Host.ProcessAlive(pid)) continue;
            string cmd;
            try { cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); } catch { continue; }
            if (cmd == "sleep infinity") continue;
            list.Add((pid, cmd));
        }
        return list;
    }

    /// <summary>Waits until a daemon (found by its host pid file or cmdline) is gone.</summary>
    public bool WaitUntilGone(Func<(int Pid, string Cmdline), bool> which, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Processes().Any(which))
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    private static string? PidNamespace(int pid)
    {
        try { return new FileInfo($"/proc/{pid}/ns/pid").LinkTarget; } catch { return null; }
    }

    /// <summary>Kills the world: SIGKILL to its pid 1 takes every process in it, and so its mounts.</summary>
    public void Dispose()
    {
        try { Native.kill(KeeperPid, 9); } catch { /* gone */ }
        _unshare.WaitForExit(10000);
        foreach (var d in _daemons) d.Dispose();
        _unshare.Dispose();
    }

    /// <summary>Keepers of earlier test hosts that died without cleaning up (their marker names a dead pid).</summary>
    private static void KillStaleKeepers()
    {
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out var pid)) continue;
            string cmd;
            try { cmd = File.ReadAllText($"/proc/{pid}/cmdline"); } catch { continue; }
            int at = cmd.IndexOf(KeeperMarker, StringComparison.Ordinal);
            if (at < 0 || !cmd.StartsWith("tini\0", StringComparison.Ordinal)) continue;
            var owner = cmd[(at + KeeperMarker.Length)..].TrimEnd('\0');
            if (int.TryParse(owner, out var hostPid) && hostPid != Environment.ProcessId && !Directory.Exists($"/proc/{hostPid}"))
                Native.kill(pid, 9);
        }
    }
}
