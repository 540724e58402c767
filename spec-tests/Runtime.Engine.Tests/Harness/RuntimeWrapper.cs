using System.Text.Json;

namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// The runtime as the engines see it: a script named "runsharp" that appends its argv to a calls log and then
/// execs the runtime under test (bin/runsharp, or $RUNTIME). The log is how each test proves the engine really
/// called runsharp, with which commands, for which container. The name matters: podman sends --log and
/// --log-format json only to runtimes whose basename is listed in runtime_supports_json.
/// </summary>
public sealed class RuntimeWrapper
{
    public string Path { get; }
    public string CallsLog { get; }

    public RuntimeWrapper(string dir)
    {
        var bin = System.IO.Path.Combine(dir, "bin");
        Directory.CreateDirectory(bin);
        Path = System.IO.Path.Combine(bin, "runsharp");
        CallsLog = System.IO.Path.Combine(dir, "runtime-calls.log");
        File.WriteAllText(CallsLog, "");
        File.WriteAllText(Path, $"""
            #!/bin/sh
            printf '%s\n' "$*" >> {Env.Q(CallsLog)}
            exec {Env.Q(Env.RuntimePath)} "$@"

            """);
        File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
    }

    /// <summary>One runtime invocation: its global flags, the command, and the command's arguments.</summary>
    public sealed record Call(string Line, IReadOnlyDictionary<string, string> Globals, string Command, IReadOnlyList<string> Args)
    {
        /// <summary>--root, or the runtime's default (podman never passes one).</summary>
        public string Root => Globals.TryGetValue("--root", out var r) ? r : Env.IsRunc ? "/run/runc" : "/run/runsharp";
    }

    // Global flags that take a value (as the engines spell them: "--log X" or "--log=X").
    private static readonly HashSet<string> ValueFlags = ["--root", "--log", "--log-format", "--criu", "--rootless"];

    public List<Call> Calls()
    {
        var calls = new List<Call>();
        foreach (var line in File.ReadAllLines(CallsLog))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var globals = new Dictionary<string, string>();
            int i = 0;
            for (; i < words.Length && words[i].StartsWith('-'); i++)
            {
                var w = words[i];
                int eq = w.IndexOf('=');
                if (eq > 0) globals[w[..eq]] = w[(eq + 1)..];
                else if (ValueFlags.Contains(w) && i + 1 < words.Length) globals[w] = words[++i];
                else globals[w] = "";
            }
            if (i < words.Length) calls.Add(new Call(line, globals, words[i], words[(i + 1)..]));
        }
        return calls;
    }

    /// <summary>The calls that name container <paramref name="id"/>.</summary>
    public List<Call> CallsFor(string id) => Calls().Where(c => c.Args.Contains(id)).ToList();

    /// <summary>Asserts that the engine ran each of <paramref name="commands"/> on the container through runsharp.</summary>
    public List<Call> AssertCalled(string id, params string[] commands)
    {
        var calls = CallsFor(id);
        foreach (var cmd in commands)
            Assert.True(calls.Any(c => c.Command == cmd),
                $"the engine never ran `runsharp {cmd} ... {id}`; runsharp calls for it:\n  " +
                string.Join("\n  ", calls.Select(c => c.Line)) + $"\n(all calls in {CallsLog})");
        return calls;
    }

    /// <summary>
    /// The container's OCI state as runsharp itself reports it (`runsharp --root R state ID`, run inside the
    /// engine's world with the root the engine passed at create), or null when runsharp does not know it.
    /// </summary>
    public JsonElement? State(EngineWorld world, string id)
    {
        var create = AssertCalled(id, "create").Last(c => c.Command == "create");
        var r = world.Run([Env.RuntimePath, "--root", create.Root, "state", id]);
        if (r.ExitCode != 0) return null;
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    public string? Status(EngineWorld world, string id) => State(world, id)?.GetProperty("status").GetString();

    /// <summary>
    /// The --log file the engine gave runsharp for the container (if any): it must hold only JSON records, since the
    /// shim decodes it line by line and podman as one object.
    /// </summary>
    public void AssertLogIsJson(string id)
    {
        var create = AssertCalled(id, "create").Last(c => c.Command == "create");
        if (!create.Globals.TryGetValue("--log", out var log)) return;
        Assert.Equal("json", create.Globals.GetValueOrDefault("--log-format"));
        if (!File.Exists(log)) return;
        foreach (var line in File.ReadAllLines(log).Where(l => l.Trim().Length > 0))
        {
            using var record = JsonDocument.Parse(line);
            foreach (var key in new[] { "level", "msg", "time" })
                Assert.True(record.RootElement.TryGetProperty(key, out _), $"{log}: no \"{key}\" in {line}");
        }
    }

    /// <summary>The config.json the engine handed to runsharp at create (the bundle is under the engine's temp dir).</summary>
    public JsonElement Config(string id)
    {
        var create = AssertCalled(id, "create").Last(c => c.Command == "create");
        int at = create.Args.ToList().FindIndex(a => a is "--bundle" or "-b" or "-bundle");
        var bundle = at >= 0 ? create.Args[at + 1] : create.Args.First(a => a.StartsWith("--bundle=", StringComparison.Ordinal))["--bundle=".Length..];
        return JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(bundle, "config.json"))).RootElement.Clone();
    }

    /// <summary>linux.cgroupsPath of the container, as the engine set it.</summary>
    public string CgroupsPath(string id) => Config(id).GetProperty("linux").GetProperty("cgroupsPath").GetString()!;
}
