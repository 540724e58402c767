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
    /// <summary>Cases that fail because of a runtime bug: skipped with the reason (see <see cref="KnownBug"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownBugs = new Dictionary<string, string>
    {
        ["missing process.user"] = "runtime bug: a config without process.user is accepted (create exits 0); runtime-spec makes user REQUIRED on Linux",
        ["type linux.devices[0].minor = -1"] = "runtime bug: linux.devices[0].minor = -1 is accepted (create exits 0) instead of being refused as out of range",
        ["cli --preserve-fds=-1"] = "runtime bug: create --preserve-fds=-1 is accepted (create exits 0) instead of refusing the negative count",
        ["cli --rootless=maybe"] = "runtime bug: with --log-format json, the error for an invalid --rootless value is written to --log as a text (logfmt) line, not JSON",
        ["cli state of an invalid id"] = "runtime bug: state ../x says only \'container does not exist\': the invalid id is neither rejected as invalid nor named",
        ["cli start of a missing container"] = "runtime bug: start it-missing says only \'container does not exist\' without naming the id",
        ["cli delete of an invalid id"] = "runtime bug: delete --force a/../../b exits 0 instead of refusing the invalid id (nothing outside --root is removed)",
        ["container id 256 chars"] = "runtime bug: ids of 256..1024 characters pass the id check (limit 1024, above NAME_MAX 255); create then fails cleanly but says only \'unable to create the state directory ...: file name too long\', without naming the id",
        ["container id 1 KiB"] = "runtime bug: a 1024-character id passes the id check (limit 1024, above NAME_MAX 255); create fails on mkdir of the state dir, with an error that does not name the id",
        ["cli unknown global flag"] = "runtime bug: an unknown global flag (--no-such-global) after --log/--log-format json prints usage but writes nothing to the --log file",
    };

    public static IEnumerable<object[]> Cases =>
        BadInputCorpus.All.Where(c => !KnownBugs.ContainsKey(c.Name)).Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Corpus(string name) => RunCase(BadInputCorpus.Get(name));

    /// <summary>Corpus cases that fail because of a runtime bug; the Skip reason says what the runtime does wrong.</summary>
    [Theory]
    [InlineData("missing process.user", Skip = "runtime bug: a config without process.user is accepted (create exits 0); runtime-spec makes user REQUIRED on Linux")]
    [InlineData("type linux.devices[0].minor = -1", Skip = "runtime bug: linux.devices[0].minor = -1 is accepted (create exits 0) instead of being refused as out of range")]
    [InlineData("cli --preserve-fds=-1", Skip = "runtime bug: create --preserve-fds=-1 is accepted (create exits 0) instead of refusing the negative count")]
    [InlineData("cli --rootless=maybe", Skip = "runtime bug: with --log-format json, the error for an invalid --rootless value is written to --log as a text (logfmt) line, not JSON")]
    [InlineData("cli state of an invalid id", Skip = "runtime bug: state ../x says only 'container does not exist': the invalid id is neither rejected as invalid nor named")]
    [InlineData("cli start of a missing container", Skip = "runtime bug: start it-missing says only 'container does not exist' without naming the id")]
    [InlineData("cli delete of an invalid id", Skip = "runtime bug: delete --force a/../../b exits 0 instead of refusing the invalid id (nothing outside --root is removed)")]
    [InlineData("container id 256 chars", Skip = "runtime bug: ids of 256..1024 characters pass the id check (limit 1024, above NAME_MAX 255); create then fails cleanly but says only 'unable to create the state directory ...: file name too long', without naming the id")]
    [InlineData("container id 1 KiB", Skip = "runtime bug: a 1024-character id passes the id check (limit 1024, above NAME_MAX 255); create fails on mkdir of the state dir, with an error that does not name the id")]
    [InlineData("cli unknown global flag", Skip = "runtime bug: an unknown global flag (--no-such-global) after --log/--log-format json prints usage but writes nothing to the --log file")]
    public void KnownBug(string name) => RunCase(BadInputCorpus.Get(name));

    /// <summary>The corpus holds at least 200 cases and every known-bug entry names one of them.</summary>
    [Fact]
    public void CorpusIsComplete()
    {
        Assert.True(BadInputCorpus.All.Count >= 200, $"only {BadInputCorpus.All.Count} cases");
        foreach (var name in KnownBugs.Keys) _ = BadInputCorpus.Get(name);
        var skipped = typeof(BadInputCorpusTests).GetMethod(nameof(KnownBug))!.GetCustomAttributes(typeof(InlineDataAttribute), false)
            .Cast<InlineDataAttribute>().Select(a => (string)a.GetData(null!).Single()[0]).ToHashSet();
        Assert.True(skipped.SetEquals(KnownBugs.Keys), "KnownBug's InlineData rows must match KnownBugs");
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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
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
