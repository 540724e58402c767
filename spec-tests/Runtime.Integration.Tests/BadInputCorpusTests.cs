using System.Text;
using System.Text.RegularExpressions;

namespace Runtime.Integration.Tests;

/// <summary>
/// The bad-input corpus (<see cref="BadInputCorpus"/>): each case must exit 1 with an error on stderr that names
/// the field or argument (runsharp only), write exactly one JSON error line to --log, and leave no state dir,
/// cgroup, mount or process behind. Hostile cases that may legitimately succeed assert their safety property
/// instead (nothing created outside the rootfs) and a clean delete.
/// </summary>
public class BadInputCorpusTests : IntegrationTest
{
    /// <summary>
    /// Cases left out of <see cref="Corpus"/> because of a runtime bug: "case name" = "what the runtime does wrong".
    /// Empty since the ten found by the first corpus run were fixed; list a new one here (and run it from a skipped
    /// theory row) only when it cannot be fixed at once.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> KnownBugs = new Dictionary<string, string>();

    public static IEnumerable<object[]> Cases =>
        BadInputCorpus.All.Where(c => !KnownBugs.ContainsKey(c.Name)).Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Corpus(string name) => RunCase(BadInputCorpus.Get(name));

    /// <summary>The corpus holds at least 200 cases and every known-bug entry names one of them.</summary>
    [Fact]
    public void CorpusIsComplete()
    {
        Assert.True(BadInputCorpus.All.Count >= 200, $"only {BadInputCorpus.All.Count} cases");
        foreach (var name in KnownBugs.Keys) _ = BadInputCorpus.Get(name);
    }

    private static readonly Regex IdWord = new(@"\bid\b", RegexOptions.IgnoreCase | RegexOptions.Compiled);

    private void RunCase(BadCase c)
    {
        var token = "runsharp-escape-" + Guid.NewGuid().ToString("N")[..12];
        var b = R.NewBundle(privateRootfs: c.PrivateRootfs);
        b.WriteConfig = false;
        try
        {
            c.Prepare?.Invoke(b, token);
            WriteConfig(c, b, token);
            var id = c.Id ?? NewId();

            Result r;
            if (c.Argv != null)
            {
                if (c.NeedsContainer)
                {
                    var ok = JsonNode.Parse(b.Config.ToJsonString())!;
                    ok["process"]!["args"] = Json.Arr("sleep", "30");
                    File.WriteAllText(Path.Combine(b.Dir, "config.json"), ok.ToJsonString());
                    R.Create(b, id).Ok();
                }
                var argv = c.Argv(b.Dir, id);
                if (c.OwnGlobalFlags) argv = new[] { "--root", R.Root, "--log", R.LogFile }.Concat(argv).ToArray();
                r = R.Exec(argv, new ExecOptions { GlobalFlags = !c.OwnGlobalFlags });
            }
            else if (id.Length > 200)
                // The harness names the container's output file after the id: too long for a file name.
                r = R.Exec(c.Command, "--bundle", b.Dir, id);
            else r = c.Command == "run" ? R.Run(b, id) : R.Create(b, id);

            if (c.MaySucceed && r.ExitCode == 0)
            {
                if (c.Command != "run") R.Delete(id, force: true).Ok();
            }
            else CheckFailure(c, r);

            CheckNothingLeft(c, b, id, r);
            foreach (var p in c.MustNotExist?.Invoke(b, token) ?? Array.Empty<string>())
                Assert.False(File.Exists(p) || Directory.Exists(p) || new FileInfo(p).LinkTarget != null,
                    $"{c.Name}: the runtime created {p} outside the rootfs:\n{r}");
        }
        finally
        {
            foreach (var p in c.MustNotExist?.Invoke(b, token) ?? Array.Empty<string>())
                try { if (Directory.Exists(p)) Directory.Delete(p, true); else File.Delete(p); } catch { /* best effort */ }
            try { Directory.Delete($"/tmp/{token}-target", true); } catch { /* only some cases make it */ }
        }
    }

    private static void WriteConfig(BadCase c, Bundle b, string token)
    {
        var path = Path.Combine(b.Dir, "config.json");
        var opts = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        var text = b.Config.ToJsonString(opts);
        if (c.Raw != null)
        {
            File.WriteAllBytes(path, c.Raw(text));
            return;
        }
        var cfg = JsonNode.Parse(text)!;
        c.Mutate?.Invoke(cfg, b);
        // Let the harness's cgroup leak check look at the cgroupsPath the case sets, when it is a string.
        if (cfg["linux"] is JsonObject l && l["cgroupsPath"] is JsonValue v && v.TryGetValue<string>(out var cg))
            b.Config["linux"]!["cgroupsPath"] = cg;
        File.WriteAllText(path, cfg.ToJsonString(opts).Replace(BadInputCorpus.TokenPlaceholder, token));
    }

    private void CheckFailure(BadCase c, Result r)
    {
        Assert.True(r.ExitCode == 1, $"{c.Name}: expected exit 1:\n{Trim(r)}");
        Assert.False(string.IsNullOrWhiteSpace(r.Stderr), $"{c.Name}: an error must be printed on stderr:\n{Trim(r)}");
        Env.RunsharpOnly(() =>
        {
            foreach (var n in c.Names)
            {
                bool named = n == "id" ? IdWord.IsMatch(r.Stderr) : r.Stderr.Contains(n, StringComparison.Ordinal);
                Assert.True(named, $"{c.Name}: the error must name '{n}':\n{Trim(r)}");
            }
        });
        if (c.OwnGlobalFlags) return; // --log-format itself is the bad argument: no JSON log to expect

        var lines = Lines(r.Log);
        Assert.True(lines.Length > 0, $"{c.Name}: an error must be written to the --log file:\n{Trim(r)}");
        var parsed = new List<JsonObject>();
        foreach (var l in lines)
        {
            JsonObject o;
            try { o = JsonNode.Parse(l)!.AsObject(); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{c.Name}: log line is not a JSON object ({e.Message}): {Trunc(l)}"); }
            Assert.Matches(Env.Rfc3339, (string?)o["time"] ?? "");
            Assert.False(string.IsNullOrEmpty((string?)o["level"]));
            parsed.Add(o);
        }
        var err = parsed.LastOrDefault(o => (string?)o["level"] == "error");
        Assert.True(err != null, $"{c.Name}: no level=error line in the log:\n{Trunc(r.Log)}");
        Assert.False(string.IsNullOrWhiteSpace((string?)err!["msg"]));
        Env.RunsharpOnly(() => Assert.True(lines.Length == 1, $"{c.Name}: expected exactly one log line:\n{Trunc(r.Log)}"));
    }

    private void CheckNothingLeft(BadCase c, Bundle b, string id, Result r)
    {
        bool plain = id.Length > 0 && id != "." && id != ".." && !id.Contains('/') && !id.Contains('\0');
        if (c.NeedsContainer)
        {
            // The bad command must not have touched the container: it is still there, and deletes cleanly.
            Assert.Equal("created", R.Status(id));
            R.Delete(id, force: true).Ok();
        }
        if (plain) Assert.False(Directory.Exists(Path.Combine(R.Root, id)), $"{c.Name}: state dir left behind:\n{Trim(r)}");
        if (Directory.Exists(R.Root))
        {
            var left = Directory.EnumerateFileSystemEntries(R.Root, "*", SearchOption.AllDirectories).ToList();
            Assert.True(left.Count == 0, $"{c.Name}: left in --root: {string.Join(", ", left.Select(Trunc))}");
        }
        Assert.Equal("", R.Exec("list", "-q").Ok().Stdout.Trim());
        if (plain)
            foreach (var dir in R.CgroupDirsFor(id))
                Assert.False(Directory.Exists(dir), $"{c.Name}: cgroup {dir} left behind");
        var mounts = Mounts.Under(R.TempDir).Concat(Mounts.Under(b.RootfsPath)).ToList();
        Assert.True(mounts.Count == 0, $"{c.Name}: mounts left behind: {string.Join(", ", mounts)}");
        var procs = ProcessesMentioning(b.Dir, plain && id.Length >= 8 ? id : null);
        Assert.True(procs.Count == 0, $"{c.Name}: processes left behind: {string.Join("; ", procs)}");
    }

    /// <summary>Live processes (not us) whose command line names the bundle dir or the id: a leaked runtime or init.</summary>
    private static List<string> ProcessesMentioning(string bundleDir, string? id)
    {
        var found = new List<string>();
        var deadline = DateTime.UtcNow + Env.Patience(TimeSpan.FromSeconds(2));
        while (true)
        {
            found.Clear();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
                string cmd;
                try { cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
                catch { continue; }
                if (!Host.ProcessAlive(pid)) continue;
                if (cmd.Contains(bundleDir, StringComparison.Ordinal) || (id != null && cmd.Contains(id, StringComparison.Ordinal)))
                    found.Add($"{pid}: {Trunc(cmd)}");
            }
            if (found.Count == 0 || DateTime.UtcNow > deadline) return found;
            Thread.Sleep(50);
        }
    }

    private static string Trunc(string s) => s.Length <= 600 ? s : s[..600] + $"... ({s.Length} chars)";

    private static string Trim(Result r) =>
        $"runtime {Trunc(string.Join(' ', r.Args))}\n  exit: {r.ExitCode}\n  stdout: {Trunc(r.Stdout)}\n  stderr: {Trunc(r.Stderr)}\n  log: {Trunc(r.Log)}";
}
