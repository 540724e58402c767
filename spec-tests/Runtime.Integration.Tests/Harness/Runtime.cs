using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Runtime.Integration.Tests.Harness;

/// <summary>Result of one runtime invocation.</summary>
public sealed record Result(string[] Args, int ExitCode, string Stdout, string Stderr, string Log)
{
    public override string ToString() =>
        $"runtime {string.Join(' ', Args)}\n  exit: {ExitCode}\n  stdout: {Stdout}\n  stderr: {Stderr}\n  log: {Log}";

    /// <summary>Asserts exit 0; the failure message shows the command, its output and the log.</summary>
    public Result Ok()
    {
        Assert.True(ExitCode == 0, $"expected success:\n{this}");
        return this;
    }

    /// <summary>Asserts a failed command (exit 1, as every runtime error must).</summary>
    public Result Fails(int expectedExit = 1)
    {
        Assert.True(ExitCode == expectedExit, $"expected exit {expectedExit}:\n{this}");
        return this;
    }
}

/// <summary>Extra knobs for one invocation.</summary>
public sealed class ExecOptions
{
    /// <summary>File for the runtime's (and so the container's) stdout; default: a fresh file per call.</summary>
    public string? StdoutFile { get; set; }
    public string? StderrFile { get; set; }
    public string StdinFile { get; set; } = "/dev/null";
    /// <summary>Working directory of the runtime process.</summary>
    public string? Cwd { get; set; }
    /// <summary>Raw shell redirections appended after the command, e.g. "3&gt;/tmp/x 4&lt;/tmp/y".</summary>
    public string ExtraRedirections { get; set; } = "";
    public Dictionary<string, string> Environment { get; } = new();
    public TimeSpan? Timeout { get; set; }
    /// <summary>Pass --root/--log/--log-format (true for everything except tests of global flag handling).</summary>
    public bool GlobalFlags { get; set; } = true;
    /// <summary>Words run before the runtime's path, e.g. strace and its options (fault injection).</summary>
    public IReadOnlyList<string> Prefix { get; set; } = [];
}

/// <summary>
/// Runs the runtime under test as a black box. Every instance has a private temp dir holding its --root
/// (so tests never see each other's containers), its --log file (JSON) and its bundles. Dispose force-deletes
/// every container this instance created and asserts that nothing is left behind: no state dir, no live
/// process, no cgroup dir, no mount under the temp dir or the rootfs.
/// </summary>
public sealed class Runtime : IDisposable
{
    public string TempDir { get; }
    public string Root { get; }
    public string LogFile { get; }
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(20);

    private readonly List<string> _ids = new();
    private readonly Dictionary<string, HashSet<int>> _pids = new();
    private readonly Dictionary<string, string> _cgroupPaths = new();
    private readonly List<string> _rootfsPaths = new();
    private readonly List<int> _hostProcesses = new();
    private int _seq;
    private bool _disposed;

    public Runtime()
    {
        Env.CheckPreconditions();
        CheckPrivateMountNamespace();
        _ = SharedRootfs.Path;
        TempDir = Path.Combine(SharedRootfs.RunDir, "t-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(TempDir);
        Root = Path.Combine(TempDir, "state");
        LogFile = Path.Combine(TempDir, "log.json");
    }

    public static string NewId() => "it-" + Guid.NewGuid().ToString("N")[..16];

    public Bundle NewBundle(bool privateRootfs = false)
    {
        var b = new Bundle(Path.Combine(TempDir, $"bundle{Interlocked.Increment(ref _seq)}"), privateRootfs);
        return b;
    }

    public string TempPath(string name) => Path.Combine(TempDir, name);

    /// <summary>The file that receives the container's stdout (and the runtime's) for Create/Run of this id.</summary>
    public string OutFile(string id) => Path.Combine(TempDir, SafeName(id) + ".out");

    /// <summary>A file-name-safe form of an id (bad-input tests use ids like "a/b" and "..").</summary>
    private static string SafeName(string id) =>
        IsPlainName(id) ? id : "id-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..16];

    /// <summary>True if the id is usable as one path component (the others are never valid container ids).</summary>
    private static bool IsPlainName(string id) =>
        id.Length > 0 && id != "." && id != ".." && !id.Contains('/') && !id.Contains('\0');

    public string ReadOut(string id) => File.Exists(OutFile(id)) ? File.ReadAllText(OutFile(id)) : "";

    /// <summary>The --log file's lines.</summary>
    public string[] LogLines() => File.Exists(LogFile) ? File.ReadAllLines(LogFile).Where(l => l.Trim().Length > 0).ToArray() : Array.Empty<string>();

    /// <summary>Remembers a host process the test started (killed by pid in Dispose if still alive).</summary>
    public void TrackHostProcess(int pid) => _hostProcesses.Add(pid);

    // ---------------------------------------------------------------- raw invocation

    public Result Exec(IEnumerable<string> args, ExecOptions? o = null)
    {
        o ??= new ExecOptions();
        var argv = args.ToArray();
        int n = Interlocked.Increment(ref _seq);
        var stdout = o.StdoutFile ?? Path.Combine(TempDir, $"cmd{n}.out");
        var stderr = o.StderrFile ?? Path.Combine(TempDir, $"cmd{n}.err");
        var logBefore = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;

        var cmd = new StringBuilder("exec ");
        foreach (var w in o.Prefix) cmd.Append(Env.Q(w)).Append(' ');
        cmd.Append(CommandLine(argv, o.GlobalFlags));
        cmd.Append(" <").Append(Env.Q(o.StdinFile)).Append(" >").Append(Env.Q(stdout)).Append(" 2>").Append(Env.Q(stderr));
        if (o.ExtraRedirections.Length > 0) cmd.Append(' ').Append(o.ExtraRedirections);

        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = o.Cwd ?? TempDir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(cmd.ToString());
        foreach (var kv in o.Environment) psi.Environment[kv.Key] = kv.Value;

        var timeout = Env.Patience(o.Timeout ?? DefaultTimeout);
        using var p = Process.Start(psi)!;
        if (!p.WaitForExit(timeout))
        {
            try { p.Kill(); } catch { /* already gone */ }
            p.WaitForExit();
            Assert.Fail($"runtime timed out after {timeout.TotalSeconds}s and was killed: {string.Join(' ', argv)}\n" +
                        $"stdout: {SafeRead(stdout)}\nstderr: {SafeRead(stderr)}");
        }
        p.WaitForExit();
        string log = "";
        if (File.Exists(LogFile))
        {
            var all = File.ReadAllBytes(LogFile);
            if (all.Length > logBefore) log = Encoding.UTF8.GetString(all, (int)logBefore, (int)(all.Length - logBefore));
        }
        return new Result(argv, p.ExitCode, SafeRead(stdout), SafeRead(stderr), log);
    }

    /// <summary>The runtime's command line for a shell: its path, the global flags (unless told not to), the args.</summary>
    public string CommandLine(IEnumerable<string> args, bool globalFlags = true)
    {
        var cmd = new StringBuilder(Env.Q(Env.RuntimePath));
        if (globalFlags)
            cmd.Append(" --root ").Append(Env.Q(Root)).Append(" --log ").Append(Env.Q(LogFile)).Append(" --log-format json");
        foreach (var a in args) cmd.Append(' ').Append(Env.Q(a));
        return cmd.ToString();
    }

    /// <summary>The args of `run --bundle B [extra...] ID` for a caller that starts the runtime itself (a pty, a
    /// process to signal); the bundle is saved and the container tracked for cleanup as <see cref="Run"/> does.</summary>
    public string[] RunArgs(Bundle b, string id, params string[] extra)
    {
        b.Save();
        Track(b, id);
        return new[] { "run", "--bundle", b.Dir }.Concat(extra).Append(id).ToArray();
    }

    private static string SafeRead(string path) { try { return File.ReadAllText(path); } catch { return ""; } }

    public Result Exec(params string[] args) => Exec(args, null);

    // ---------------------------------------------------------------- commands

    private void Track(Bundle? b, string id)
    {
        lock (_ids) // tests may drive several containers from several threads
        {
            if (!_ids.Contains(id)) _ids.Add(id);
            if (b == null) return;
            var cg = (string?)b.Config["linux"]?["cgroupsPath"];
            if (!string.IsNullOrEmpty(cg)) _cgroupPaths[id] = cg;
            if (!_rootfsPaths.Contains(b.RootfsPath)) _rootfsPaths.Add(b.RootfsPath);
        }
    }

    /// <summary>create --bundle B [extra...] ID, with the container's stdio going to OutFile(id).</summary>
    public Result Create(Bundle b, string id, params string[] extra) => Create(b, id, new ExecOptions(), extra);

    public Result Create(Bundle b, string id, ExecOptions o, params string[] extra)
    {
        b.Save();
        Track(b, id);
        o.StdoutFile ??= OutFile(id);
        var r = Exec(new[] { "create", "--bundle", b.Dir }.Concat(extra).Append(id), o);
        if (r.ExitCode == 0) TryRecordPid(id);
        return r;
    }

    /// <summary>run --bundle B [extra...] ID in the foreground; Stdout is the container's output.</summary>
    public Result Run(Bundle b, string id, params string[] extra) => Run(b, id, new ExecOptions(), extra);

    public Result Run(Bundle b, string id, ExecOptions o, params string[] extra)
    {
        b.Save();
        Track(b, id);
        o.StdoutFile ??= OutFile(id);
        return Exec(new[] { "run", "--bundle", b.Dir }.Concat(extra).Append(id), o);
    }

    /// <summary>Convenience: run a fresh container from <paramref name="b"/>, assert exit 0, return its stdout.</summary>
    public string RunOk(Bundle b, params string[] extra)
    {
        var id = NewId();
        var r = Run(b, id, extra);
        Assert.True(r.ExitCode == 0, $"container run failed:\n{r}");
        return r.Stdout;
    }

    public Result Start(string id) => Exec("start", id);

    public Result Kill(string id, string? signal = null) => signal == null ? Exec("kill", id) : Exec("kill", id, signal);

    public Result Delete(string id, bool force = false)
    {
        TryRecordPid(id);
        return force ? Exec("delete", "--force", id) : Exec("delete", id);
    }

    public Result StateRaw(string id) => Exec("state", id);

    /// <summary>state ID, asserted to succeed and parsed.</summary>
    public JsonObject State(string id)
    {
        var r = StateRaw(id).Ok();
        JsonObject obj;
        try { obj = JsonNode.Parse(r.Stdout)!.AsObject(); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"state output is not a JSON object: {e.Message}\n{r}"); }
        RecordPid(id, obj);
        return obj;
    }

    public string Status(string id) => (string)State(id)["status"]!;

    public int Pid(string id) => (int)State(id)["pid"]!;

    public void WaitForStatus(string id, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + Env.Patience(timeout ?? TimeSpan.FromSeconds(10));
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var r = StateRaw(id);
            if (r.ExitCode == 0)
            {
                var st = JsonNode.Parse(r.Stdout)!.AsObject();
                RecordPid(id, st);
                last = (string)st["status"]!;
                if (last == status) return;
            }
            else last = r.Stderr.Trim(); // not created yet (e.g. run in the background)
            Thread.Sleep(25);
        }
        Assert.Fail($"container {id} did not reach status '{status}' (last: '{last}')");
    }

    /// <summary>Waits until the container's stdout file contains <paramref name="text"/>.</summary>
    public string WaitForOutput(string id, string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + Env.Patience(timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var s = ReadOut(id);
            if (s.Contains(text)) return s;
            Thread.Sleep(25);
        }
        Assert.Fail($"container {id} output never contained '{text}'; got: '{ReadOut(id)}'");
        return "";
    }

    private void TryRecordPid(string id)
    {
        try
        {
            var r = StateRaw(id);
            if (r.ExitCode == 0) RecordPid(id, JsonNode.Parse(r.Stdout)!.AsObject());
        }
        catch { /* best effort */ }
    }

    private void RecordPid(string id, JsonObject state)
    {
        if (state["pid"] is JsonValue v && v.TryGetValue<int>(out var pid) && pid > 0)
        {
            lock (_ids)
            {
                if (!_pids.TryGetValue(id, out var set)) _pids[id] = set = new HashSet<int>();
                set.Add(pid);
            }
        }
    }

    // ---------------------------------------------------------------- host-side checks

    /// <summary>
    /// Every cgroup dir the container may own on this host, in each v1 hierarchy and the v2 unified tree:
    /// /&lt;id&gt;, the caller's own cgroup + /&lt;id&gt; (runc's default for an empty cgroupsPath), and the
    /// bundle's cgroupsPath when one was set; relative paths also under the parent of the caller's cgroup, where
    /// they go on pure v2 (<see cref="HostCgroups.RelativeBase"/>).
    /// </summary>
    public IEnumerable<string> CgroupDirsFor(string id)
    {
        var result = new List<string>();
        string? cg;
        lock (_ids) _cgroupPaths.TryGetValue(id, out cg);
        foreach (var (dir, own) in Host.OwnCgroups())
        {
            result.Add(Path.Combine(dir, id));
            foreach (var under in new[] { own, HostCgroups.RelativeBase(own) }.Select(p => Path.Combine(dir, p.Trim('/'))))
            {
                result.Add(Path.Combine(under, id));
                if (cg != null && !cg.StartsWith('/')) result.Add(Path.Combine(under, cg));
            }
            if (cg != null && cg.StartsWith('/')) result.Add(Path.Combine(dir, cg.TrimStart('/')));
        }
        return result.Distinct();
    }

    private static void CheckPrivateMountNamespace()
    {
        if (Environment.GetEnvironmentVariable("RUNSHARP_IT_PRIVATE_MNT") != "1")
            throw new InvalidOperationException(
                "Run the integration suite through scripts/test-integration.sh: it runs dotnet test inside " +
                "`unshare --mount --propagation private` (and sets RUNSHARP_IT_PRIVATE_MNT=1), so that mounts the " +
                "runtime leaks cannot reach the host's mount namespace.");
        var root = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).FirstOrDefault(f => f.Length > 6 && f[4] == "/");
        if (root != null && root.Skip(6).TakeWhile(x => x != "-").Any(x => x.StartsWith("shared:", StringComparison.Ordinal)))
            throw new InvalidOperationException(
                "The test process's / is a shared mount: run the suite through scripts/test-integration.sh " +
                "(unshare --mount --propagation private) so that nothing the runtime mounts can reach the host.");
    }

    // ---------------------------------------------------------------- cleanup

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var problems = new List<string>();

        foreach (var id in _ids)
        {
            try
            {
                TryRecordPid(id);
                var st = StateRaw(id);
                if (st.ExitCode == 0)
                {
                    var d = Exec("delete", "--force", id);
                    if (d.ExitCode != 0) problems.Add($"delete --force {id} failed: {d}");
                }
            }
            catch (Exception e) { problems.Add($"cleanup of {id} failed: {e.Message}"); } // e.g. the runtime hung
        }

        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(3));
        foreach (var id in _ids.Where(IsPlainName))
        {
            if (Directory.Exists(Path.Combine(Root, id)))
                problems.Add($"state dir {Path.Combine(Root, id)} left behind");
            if (_pids.TryGetValue(id, out var pids))
                foreach (var pid in pids)
                {
                    while (Host.ProcessAlive(pid) && DateTime.UtcNow < deadline) Thread.Sleep(20);
                    if (Host.ProcessAlive(pid))
                    {
                        problems.Add($"process {pid} of container {id} still alive after delete --force");
                        Native.kill(pid, 9);
                    }
                }
            foreach (var dir in CgroupDirsFor(id))
            {
                while (Directory.Exists(dir) && DateTime.UtcNow < deadline) Thread.Sleep(20);
                if (Directory.Exists(dir))
                {
                    problems.Add($"cgroup dir {dir} left behind");
                    try { Directory.Delete(dir); } catch { /* has processes or children */ }
                }
            }
        }

        foreach (var pid in _hostProcesses)
            if (Host.ProcessAlive(pid)) Native.kill(pid, 9);

        var leaked = Mounts.Under(TempDir).Concat(_rootfsPaths.SelectMany(Mounts.Under)).Distinct().ToList();
        foreach (var m in leaked)
            problems.Add($"mount left behind in the caller's mount namespace: {m}");
        foreach (var m in leaked.OrderByDescending(m => m.Length))
            Sh.Run($"umount -l {Env.Q(m)}");

        if (Directory.Exists(Root) && Directory.EnumerateFileSystemEntries(Root).Any(e => _ids.Contains(Path.GetFileName(e))))
            problems.Add($"entries left in --root {Root}: {string.Join(", ", Directory.EnumerateFileSystemEntries(Root))}");

        try { if (!Mounts.Under(TempDir).Any()) Directory.Delete(TempDir, true); }
        catch (Exception e) { problems.Add($"cannot remove {TempDir}: {e.Message}"); }

        if (problems.Count > 0)
            throw new Xunit.Sdk.XunitException("cleanup found leftovers:\n  " + string.Join("\n  ", problems));
    }
}

/// <summary>Base class: a fresh <see cref="Runtime"/> per test, disposed (with leftover checks) after it.</summary>
public abstract class IntegrationTest : IDisposable
{
    protected Runtime R { get; }

    protected IntegrationTest() { R = new Runtime(); }

    public virtual void Dispose()
    {
        R.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static string NewId() => Runtime.NewId();

    /// <summary>Host-side: readlink /proc/self/ns/NAME of the test process (same namespaces as the runtime).</summary>
    protected static string HostNs(string name) => new FileInfo($"/proc/self/ns/{name}").LinkTarget!;

    protected static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Host-side facts the tests compare against.</summary>
public static class Host
{
    /// <summary>True if /proc/PID exists and is not a zombie.</summary>
    public static bool ProcessAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch { return false; }
    }

    /// <summary>(hierarchy mount dir, the test process's cgroup path in it) for every hierarchy mounted.</summary>
    public static List<(string Dir, string Path)> OwnCgroups()
    {
        var list = new List<(string, string)>();
        foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            // "0::" is the cgroup2 tree: all of /sys/fs/cgroup on pure v2, the extra unified mount on hybrid hosts.
            var dir = parts[1].Length == 0 ? HostCgroups.Cgroup2Root : System.IO.Path.Combine(HostCgroups.Root, parts[1].Replace("name=", ""));
            if (dir is not null && Directory.Exists(dir)) list.Add((dir, parts[2]));
        }
        return list;
    }

    /// <summary>The test process's own cgroup path in a controller's hierarchy (the one cgroup2 tree on pure v2).</summary>
    public static string OwnCgroup(string controller) => HostCgroups.CgroupOf(Environment.ProcessId, controller);

    public static void WaitForExit(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + Env.Patience(timeout);
        while (ProcessAlive(pid) && DateTime.UtcNow < deadline) Thread.Sleep(20);
    }
}
