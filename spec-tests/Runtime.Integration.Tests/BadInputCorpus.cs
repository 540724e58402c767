using System.Text;

namespace Runtime.Integration.Tests;

/// <summary>
/// One broken or hostile input: a mutation of the default config (or raw config.json bytes, or a command
/// line) and the names (field path or argument) the error message must contain.
/// </summary>
public sealed class BadCase
{
    public required string Name { get; init; }
    /// <summary>Strings the runtime's stderr must contain (the field path, the argument); checked for runsharp only.</summary>
    public string[] Names { get; init; } = Array.Empty<string>();
    /// <summary>Edits a copy of the bundle's default config; the result is written to config.json.</summary>
    public Action<JsonNode, Bundle>? Mutate { get; init; }
    /// <summary>Raw config.json bytes made from the default config's text (syntax errors, NUL bytes, ...).</summary>
    public Func<string, byte[]>? Raw { get; init; }
    /// <summary>Host-side setup before the runtime is called (files, symlinks in a private rootfs).</summary>
    public Action<Bundle, string>? Prepare { get; init; }
    public bool PrivateRootfs { get; init; }
    /// <summary>The container id to use; null for a fresh valid one.</summary>
    public string? Id { get; init; }
    /// <summary>create (default) or run.</summary>
    public string Command { get; init; } = "create";
    /// <summary>
    /// A command line instead of create/run: given (bundle dir, valid id), the arguments after the global flags.
    /// </summary>
    public Func<string, string, string[]>? Argv { get; init; }
    /// <summary>Command-line cases that need a created container first (kill with a bad signal).</summary>
    public bool NeedsContainer { get; init; }
    /// <summary>Pass no global flags; <see cref="Argv"/> supplies them (the bad --log-format case).</summary>
    public bool OwnGlobalFlags { get; init; }
    /// <summary>
    /// Hostile input that may legitimately succeed: the test then asserts the safety property
    /// (<see cref="MustNotExist"/> absent on the host) and a clean delete instead of the failure contract.
    /// </summary>
    public bool MaySucceed { get; init; }
    /// <summary>Host paths (given the bundle and the unique token) that must not exist afterwards.</summary>
    public Func<Bundle, string, string[]>? MustNotExist { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// Generates the bad-input corpus in code. Every case is a small mutation of <see cref="Bundle.DefaultConfig"/>
/// (root.path being the shared busybox rootfs) or of the command line.
/// </summary>
public static class BadInputCorpus
{
    private static readonly Lazy<IReadOnlyList<BadCase>> AllLazy = new(Build);
    public static IReadOnlyList<BadCase> All => AllLazy.Value;

    public static BadCase Get(string name) => All.Single(c => c.Name == name);

    // ------------------------------------------------------------------ helpers for mutations

    /// <summary>Parses a JSON value (so "18446744073709551616" and "1e400" keep their exact text).</summary>
    public static JsonNode? J(string json) => JsonNode.Parse(json);

    /// <summary>
    /// Sets a dotted path ("process.user.uid", "mounts[0].options", "linux.resources.memory.limit") to
    /// <paramref name="value"/>, creating missing objects on the way. A null <paramref name="value"/> with
    /// <paramref name="remove"/> deletes the member instead.
    /// </summary>
    public static void Set(JsonNode root, string path, JsonNode? value, bool remove = false)
    {
        var segs = Parse(path);
        JsonNode cur = root;
        for (int i = 0; i < segs.Count - 1; i++)
        {
            var (name, index) = segs[i];
            var obj = cur.AsObject();
            if (obj[name] is null) obj[name] = index is null ? new JsonObject() : new JsonArray();
            cur = obj[name]!;
            if (index is int ix)
            {
                var arr = cur.AsArray();
                while (arr.Count <= ix) arr.Add(new JsonObject());
                cur = arr[ix]!;
            }
        }
        var (last, lastIndex) = segs[^1];
        var o = cur.AsObject();
        if (lastIndex is int li)
        {
            var arr = o[last]!.AsArray();
            if (remove) arr.RemoveAt(li);
            else arr[li] = value;
        }
        else if (remove) o.Remove(last);
        else o[last] = value;
    }

    private static List<(string Name, int? Index)> Parse(string path)
    {
        var list = new List<(string, int?)>();
        foreach (var part in path.Split('.'))
        {
            int b = part.IndexOf('[');
            if (b < 0) list.Add((part, null));
            else list.Add((part[..b], int.Parse(part[(b + 1)..^1])));
        }
        return list;
    }

    // ------------------------------------------------------------------ valid sub-trees that the default lacks

    private const string Seccomp = """
        {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_AARCH64"],
         "syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]}
        """;
    private const string Hooks = """
        {"prestart":[{"path":"/bin/true"}],"createRuntime":[{"path":"/bin/true"}],"createContainer":[{"path":"/bin/true"}],
         "startContainer":[{"path":"/bin/true"}],"poststart":[{"path":"/bin/true"}],"poststop":[{"path":"/bin/true"}]}
        """;
    private const string UserNs = """[{"containerID":0,"hostID":100000,"size":65536}]""";
    private const string Resources = """
        {"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":104857600},"cpu":{"shares":1024},"pids":{"limit":100},
         "blockIO":{"weight":500}}
        """;

    // ------------------------------------------------------------------ the corpus

    private static IReadOnlyList<BadCase> Build()
    {
        var list = new List<BadCase>();
        void Cfg(string name, string[] names, Action<JsonNode> mutate) =>
            list.Add(new BadCase { Name = name, Names = names, Mutate = (c, _) => mutate(c) });
        void Raw(string name, Func<string, byte[]> raw, params string[] names) =>
            list.Add(new BadCase { Name = name, Names = names.Length > 0 ? names : new[] { "config.json" }, Raw = raw });
        void Type(string path, string badJson, string? prep = null, string? prepValue = null)
        {
            Cfg($"type {path} = {Short(badJson)}", new[] { path }, c =>
            {
                if (prep != null) Set(c, prep, J(prepValue!));
                Set(c, path, J(badJson));
            });
        }
        void Missing(string path, string? prep = null, string? prepValue = null, string? name = null)
        {
            Cfg($"missing {path}", new[] { name ?? path }, c =>
            {
                if (prep != null) Set(c, prep, J(prepValue!));
                Set(c, path, null, remove: true);
            });
        }
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

        // ---- JSON syntax
        Raw("syntax truncated to 1 byte", t => U(t[..1]));
        Raw("syntax truncated to 10 bytes", t => U(t[..10]));
        Raw("syntax truncated at half", t => U(t[..(t.Length / 2)]));
        Raw("syntax truncated before the last brace", t => U(t.TrimEnd()[..^1]));
        Raw("syntax truncated inside a string", t => U(t[..(t.IndexOf("runsharp-test", StringComparison.Ordinal) + 4)]));
        Raw("syntax trailing garbage word", t => U(t + " garbage"));
        Raw("syntax trailing second object", t => U(t + "{}"));
        Raw("syntax trailing closing brace", t => U(t + "}"));
        Raw("syntax BOM then garbage", _ => new byte[] { 0xEF, 0xBB, 0xBF }.Concat(U("garbage")).ToArray());
        Raw("syntax BOM twice", t => new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF }.Concat(U(t)).ToArray());
        Raw("syntax NUL byte first", t => new byte[] { 0 }.Concat(U(t)).ToArray());
        Raw("syntax NUL byte inside a string", t => U(t.Replace("runsharp-test", "runsharp\0test")));
        Raw("syntax NUL byte after the document", t => U(t + "\0"));
        Raw("syntax only NUL bytes", _ => new byte[64]);
        Raw("syntax deep nesting 10000 arrays", _ => U(new string('[', 10000) + new string(']', 10000)));
        Raw("syntax deep nesting 10000 objects in annotations", t =>
            U(t.TrimEnd()[..^1] + ",\"annotations\":{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 10000)) + "1" + new string('}', 10001) + "}"));
        Raw("syntax deep nesting 10000 unclosed", _ => U(new string('[', 10000)));
        Raw("syntax deep nesting 300 in unknown field", t =>
            U(t.TrimEnd()[..^1] + ",\"x-unknown\":" + new string('[', 300) + new string(']', 300) + "}"));
        Raw("syntax empty file", _ => Array.Empty<byte>());
        Raw("syntax whitespace only", _ => U("  \n\t \n"));
        Raw("syntax document is null", _ => U("null"));
        Raw("syntax document is an array", _ => U("[]"));
        Raw("syntax document is a string", _ => U("\"config\""));
        Raw("syntax document is a number", _ => U("42"));
        Raw("syntax document is true", _ => U("true"));
        Raw("syntax invalid UTF-8 in a string", t =>
        {
            var b = U(t);
            int i = t.IndexOf("runsharp-test", StringComparison.Ordinal);
            b[Encoding.UTF8.GetByteCount(t[..i])] = 0xFF;
            return b;
        });
        Raw("syntax comment", t => U("// comment\n" + t));
        Raw("syntax single quotes", t => U(t.Replace("\"ociVersion\"", "'ociVersion'")));
        Raw("syntax unquoted key", t => U(t.Replace("\"ociVersion\"", "ociVersion")));
        Raw("syntax trailing comma", t => U(t.TrimEnd()[..^1] + ",}"));
        Raw("syntax NaN literal", t => U(t.Replace("\"uid\": 0", "\"uid\": NaN")));
        Raw("syntax hex number", t => U(t.Replace("\"uid\": 0", "\"uid\": 0x10")));
        Raw("syntax leading zero", t => U(t.Replace("\"uid\": 0", "\"uid\": 007")));
        Raw("syntax unterminated string", t => U(t.Replace("\"runsharp-test\"", "\"runsharp-test")));
        Raw("syntax invalid escape", t => U(t.Replace("runsharp-test", "runsharp\\xtest")));
        Raw("syntax raw control character in a string", t => U(t.Replace("runsharp-test", "runsharp\u0001test")));
        Raw("syntax missing colon", t => U(t.Replace("\"hostname\": ", "\"hostname\" ")));
        Raw("syntax missing comma", t => U(t.Replace("\"runsharp-test\",", "\"runsharp-test\"")));
        Raw("syntax UTF-16 encoded", t => Encoding.Unicode.GetBytes(t));

        // ---- wrong types, field by field
        Type("ociVersion", "1");
        Type("ociVersion", "{}");
        Type("root", "\"rootfs\"");
        Type("root.path", "5");
        Type("root.path", "[\"rootfs\"]");
        Type("root.readonly", "\"yes\"");
        Type("process", "\"sh\"");
        Type("process.args", "\"sh\"");
        Type("process.args", "{}");
        Type("process.args[0]", "1");
        Type("process.args[1]", "null");
        Type("process.env", "\"PATH=/bin\"");
        Type("process.env[0]", "{}");
        Type("process.env[1]", "7");
        Type("process.cwd", "1");
        Type("process.cwd", "[\"/\"]");
        Type("process.user", "[]");
        Type("process.user", "0");
        Type("process.user.uid", "\"0\"");
        Type("process.user.uid", "true");
        Type("process.user.uid", "1.5");
        Type("process.user.gid", "\"0\"");
        Type("process.user.gid", "[]");
        Type("process.user.umask", "\"022\"");
        Type("process.user.umask", "{}");
        Type("process.user.additionalGids", "5");
        Type("process.user.additionalGids", "\"1,2\"");
        Type("process.user.additionalGids[0]", "\"x\"", "process.user.additionalGids", "[1,2]");
        Type("process.user.username", "1");
        Type("process.capabilities", "[]");
        Type("process.capabilities", "\"CAP_KILL\"");
        Type("process.capabilities.bounding", "\"CAP_KILL\"");
        Type("process.capabilities.effective", "{}");
        Type("process.capabilities.permitted", "1");
        Type("process.capabilities.ambient", "true");
        Type("process.capabilities.inheritable", "\"CAP_KILL\"");
        Type("process.capabilities.bounding[0]", "1");
        Type("process.capabilities.effective[1]", "null");
        Type("process.rlimits", "{}");
        Type("process.rlimits", "\"RLIMIT_NOFILE\"");
        Type("process.rlimits[0]", "\"RLIMIT_NOFILE\"");
        Type("process.rlimits[0].type", "7");
        Type("process.rlimits[0].soft", "\"1024\"");
        Type("process.rlimits[0].hard", "true");
        Type("process.noNewPrivileges", "\"true\"");
        Type("process.noNewPrivileges", "1");
        Type("process.oomScoreAdj", "\"5\"");
        Type("process.oomScoreAdj", "1.5");
        Type("process.terminal", "1");
        Type("process.consoleSize", "\"80x24\"");
        Type("process.consoleSize.height", "\"24\"", "process.consoleSize", "{\"height\":24,\"width\":80}");
        Type("process.apparmorProfile", "1");
        Type("process.selinuxLabel", "[]");
        Type("process.ioPriority", "\"high\"");
        Type("process.scheduler", "\"fifo\"");
        Type("hostname", "1");
        Type("hostname", "[\"a\"]");
        Type("domainname", "{}");
        Type("mounts", "{}");
        Type("mounts", "\"/proc\"");
        Type("mounts[0]", "\"/proc\"");
        Type("mounts[0].destination", "1");
        Type("mounts[1].destination", "[\"/dev\"]");
        Type("mounts[0].type", "1");
        Type("mounts[0].source", "[]");
        Type("mounts[1].options", "\"nosuid\"");
        Type("mounts[1].options[0]", "1");
        Type("mounts[0].uidMappings", "\"0:0:1\"");
        Type("linux", "[]");
        Type("linux.namespaces", "{}");
        Type("linux.namespaces", "\"pid\"");
        Type("linux.namespaces[0]", "\"pid\"");
        Type("linux.namespaces[0].type", "1");
        Type("linux.namespaces[1].path", "1");
        Type("linux.uidMappings", "{}", "linux.gidMappings", UserNs);
        Type("linux.uidMappings[0].containerID", "\"0\"", "linux.uidMappings", UserNs);
        Type("linux.uidMappings[0].hostID", "[]", "linux.uidMappings", UserNs);
        Type("linux.gidMappings[0].size", "\"65536\"", "linux.gidMappings", UserNs);
        Type("linux.devices", "{}");
        Type("linux.devices", "[\"/dev/null\"]");
        Type("linux.devices[0].path", "1", "linux.devices", """[{"path":"/dev/x","type":"c","major":1,"minor":3}]""");
        Type("linux.devices[0].major", "\"1\"", "linux.devices", """[{"path":"/dev/x","type":"c","major":1,"minor":3}]""");
        Type("linux.devices[0].fileMode", "\"0666\"", "linux.devices", """[{"path":"/dev/x","type":"c","major":1,"minor":3}]""");
        Type("linux.resources", "[]");
        Type("linux.resources.memory", "1");
        Type("linux.resources.memory.limit", "\"1G\"");
        Type("linux.resources.memory.limit", "true");
        Type("linux.resources.memory.swappiness", "\"60\"");
        Type("linux.resources.cpu.shares", "\"1024\"");
        Type("linux.resources.cpu.cpus", "3");
        Type("linux.resources.pids.limit", "\"100\"");
        Type("linux.resources.devices", "{}");
        Type("linux.resources.devices[0].allow", "\"no\"");
        Type("linux.resources.blockIO.weight", "\"500\"");
        Type("linux.cgroupsPath", "1");
        Type("linux.cgroupsPath", "[\"/a\"]");
        Type("linux.sysctl", "[]");
        Type("linux.sysctl", "\"net.ipv4.ip_forward=1\"");
        Type("linux.sysctl", "{\"net.ipv4.ip_forward\":1}");
        Type("linux.seccomp", "\"unconfined\"");
        Type("linux.seccomp.defaultAction", "1", "linux.seccomp", Seccomp);
        Type("linux.seccomp.architectures", "\"SCMP_ARCH_X86_64\"", "linux.seccomp", Seccomp);
        Type("linux.seccomp.syscalls", "{}", "linux.seccomp", Seccomp);
        Type("linux.seccomp.syscalls[0].names", "\"getpid\"", "linux.seccomp", Seccomp);
        Type("linux.seccomp.syscalls[0].action", "1", "linux.seccomp", Seccomp);
        Type("linux.seccomp.syscalls[0].args", "{}", "linux.seccomp", Seccomp);
        Type("linux.seccomp.syscalls[0].args[0].index", "\"0\"", "linux.seccomp", Seccomp);
        Type("linux.seccomp.syscalls[0].args[0].value", "\"1\"", "linux.seccomp", Seccomp);
        Type("linux.seccomp.flags", "\"SECCOMP_FILTER_FLAG_LOG\"", "linux.seccomp", Seccomp);
        Type("linux.maskedPaths", "\"/proc/kcore\"");
        Type("linux.readonlyPaths[0]", "1");
        Type("linux.rootfsPropagation", "1");
        Type("linux.mountLabel", "[]");
        Type("linux.timeOffsets", "\"x\"");
        Type("linux.personality", "\"LINUX\"");
        Type("hooks", "[]");
        Type("hooks.prestart", "{}", "hooks", Hooks);
        Type("hooks.createRuntime[0]", "\"/bin/true\"", "hooks", Hooks);
        Type("hooks.createContainer[0].path", "1", "hooks", Hooks);
        Type("hooks.startContainer[0].args", "\"true\"", "hooks", Hooks);
        Type("hooks.poststart[0].env", "{}", "hooks", Hooks);
        Type("hooks.poststop[0].timeout", "\"5\"", "hooks", Hooks);
        Type("annotations", "[]");
        Type("annotations", "\"a=b\"");

        // ---- huge numbers, negative where unsigned
        const string two64 = "18446744073709551616";
        Type("process.user.uid", two64);
        Type("process.user.uid", "-1");
        Type("process.user.gid", two64);
        Type("process.user.gid", "-1");
        Type("process.user.umask", "-1");
        Type("process.user.umask", two64);
        Type("process.user.additionalGids[0]", "-1", "process.user.additionalGids", "[1]");
        Type("process.rlimits[0].soft", two64);
        Type("process.rlimits[0].hard", "-1");
        Type("process.rlimits[0].hard", "1e400");
        Type("process.oomScoreAdj", two64);
        Type("process.oomScoreAdj", "1e400");
        Type("process.consoleSize.width", "-1", "process.consoleSize", "{\"height\":24,\"width\":80}");
        Type("linux.resources.memory.limit", "1e400");
        Type("linux.resources.memory.limit", two64);
        Type("linux.resources.cpu.shares", "-1");
        Type("linux.resources.cpu.quota", "1e400");
        Type("linux.resources.pids.limit", two64);
        Type("linux.resources.blockIO.weight", "-1");
        Type("linux.uidMappings[0].size", two64, "linux.uidMappings", UserNs);
        Type("linux.uidMappings[0].hostID", "-1", "linux.uidMappings", UserNs);
        Type("linux.devices[0].major", two64, "linux.devices", """[{"path":"/dev/x","type":"c","major":1,"minor":3}]""");
        Type("linux.devices[0].minor", "-1", "linux.devices", """[{"path":"/dev/x","type":"c","major":1,"minor":3}]""");
        Type("linux.seccomp.syscalls[0].args[0].value", two64, "linux.seccomp", Seccomp);
        Type("linux.seccomp.syscalls[0].args[0].index", "-1", "linux.seccomp", Seccomp);
        Type("hooks.poststop[0].timeout", two64, "hooks", Hooks);
        Type("hooks.prestart[0].timeout", "-1", "hooks", Hooks);

        // ---- huge strings
        Cfg("huge hostname 1 MiB", new[] { "hostname" }, c => c["hostname"] = new string('h', 1 << 20));
        Cfg("huge hostname 65 bytes", new[] { "hostname" }, c => c["hostname"] = new string('h', 65));
        Cfg("huge arg 64 KiB as the executable", new[] { "exec", "aaaaaaaa" }, c => c["process"]!["args"] = Json.Arr(new string('a', 64 << 10)));
        Cfg("huge cwd 64 KiB", new[] { "process.cwd" }, c => c["process"]!["cwd"] = "/" + new string('c', 64 << 10));
        Cfg("huge mount destination 64 KiB", new[] { "/ddd" }, c =>
            c["mounts"]!.AsArray().Add(J($"{{\"destination\":\"/{new string('d', 64 << 10)}\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}}")));
        Cfg("huge domainname 1 MiB", new[] { "domainname" }, c => c["domainname"] = new string('d', 1 << 20));
        Cfg("huge capability name 64 KiB", new[] { "process.capabilities.bounding" }, c =>
            c["process"]!["capabilities"]!["bounding"]!.AsArray().Add("CAP_" + new string('X', 64 << 10)));

        // ---- missing required fields
        Missing("ociVersion");
        Missing("root");
        Missing("root.path");
        Missing("process");
        Missing("process.cwd");
        Missing("process.args");
        Missing("process.user");
        Missing("mounts[0].destination");
        Missing("linux.namespaces[0].type");
        Missing("process.rlimits[0].type");
        Missing("linux.seccomp.defaultAction", "linux.seccomp", Seccomp);
        Missing("linux.seccomp.syscalls[0].names", "linux.seccomp", Seccomp);
        Missing("linux.seccomp.syscalls[0].action", "linux.seccomp", Seccomp);
        Missing("hooks.prestart[0].path", "hooks", Hooks);
        Missing("hooks.poststop[0].path", "hooks", Hooks);
        Missing("linux.devices[0].type", "linux.devices", """[{"path":"/dev/x","type":"c","major":1,"minor":3}]""");
        Missing("linux.devices[0].path", "linux.devices", """[{"path":"/dev/x","type":"c","major":1,"minor":3}]""");
        Cfg("empty ociVersion", new[] { "ociVersion" }, c => c["ociVersion"] = "");
        Cfg("unsupported ociVersion 2.0.0", new[] { "ociVersion" }, c => c["ociVersion"] = "2.0.0");
        Cfg("empty root.path", new[] { "root.path" }, c => c["root"]!["path"] = "");
        Cfg("empty process.args", new[] { "process.args" }, c => c["process"]!["args"] = new JsonArray());
        Cfg("empty args[0]", new[] { "process.args" }, c => c["process"]!["args"] = Json.Arr(""));
        Cfg("empty process.cwd", new[] { "process.cwd" }, c => c["process"]!["cwd"] = "");
        Cfg("empty mount destination", new[] { "mounts[7].destination" }, c =>
            c["mounts"]!.AsArray().Add(J("{\"destination\":\"\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}")));

        // ---- duplicates
        Cfg("duplicate namespace pid", new[] { "linux.namespaces", "pid" }, c => c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"pid\"}")));
        Cfg("duplicate namespace mount with a path", new[] { "linux.namespaces", "mount" }, c =>
            c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"mount\",\"path\":\"/proc/self/ns/mnt\"}")));
        Cfg("duplicate namespace network", new[] { "linux.namespaces", "network" }, c => c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"network\"}")));
        Cfg("duplicate rlimit type", new[] { "process.rlimits", "RLIMIT_NOFILE" }, c =>
            c["process"]!["rlimits"]!.AsArray().Add(J("{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":10}")));

        // ---- unknown names
        foreach (var set in new[] { "bounding", "effective", "permitted", "ambient", "inheritable" })
            Cfg($"malformed capability name in {set}", new[] { $"process.capabilities.{set}", "cap_bogus" }, c =>
                c["process"]!["capabilities"]![set] = Json.Arr("CAP_KILL", "cap_bogus"));
        Cfg("capability without CAP_ prefix", new[] { "process.capabilities.bounding", "KILLX" }, c =>
            c["process"]!["capabilities"]!["bounding"] = Json.Arr("KILLX"));
        Cfg("unknown rlimit", new[] { "process.rlimits", "RLIMIT_BOGUS" }, c => c["process"]!["rlimits"]![0]!["type"] = "RLIMIT_BOGUS");
        Cfg("lowercase rlimit", new[] { "process.rlimits", "nofile" }, c => c["process"]!["rlimits"]![0]!["type"] = "nofile");
        Cfg("rlimit soft above hard", new[] { "process.rlimits" }, c => { c["process"]!["rlimits"]![0]!["soft"] = 2048; c["process"]!["rlimits"]![0]!["hard"] = 1024; });
        Cfg("unknown namespace type", new[] { "linux.namespaces", "bogusns" }, c => c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"bogusns\"}")));
        Cfg("empty namespace type", new[] { "linux.namespaces" }, c => c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"\"}")));
        Cfg("uppercase namespace type", new[] { "linux.namespaces", "PID" }, c => c["linux"]!["namespaces"]![0]!["type"] = "PID");
        Cfg("unknown seccomp defaultAction", new[] { "linux.seccomp.defaultAction", "SCMP_ACT_BOGUS" }, c =>
        { c["linux"]!["seccomp"] = J(Seccomp); c["linux"]!["seccomp"]!["defaultAction"] = "SCMP_ACT_BOGUS"; });
        Cfg("unknown seccomp syscall action", new[] { "linux.seccomp.syscalls[0].action", "SCMP_ACT_NOPE" }, c =>
        { c["linux"]!["seccomp"] = J(Seccomp); c["linux"]!["seccomp"]!["syscalls"]![0]!["action"] = "SCMP_ACT_NOPE"; });
        Cfg("unknown seccomp architecture", new[] { "linux.seccomp.architectures", "SCMP_ARCH_BOGUS" }, c =>
        { c["linux"]!["seccomp"] = J(Seccomp); c["linux"]!["seccomp"]!["architectures"] = Json.Arr("SCMP_ARCH_BOGUS"); });
        Cfg("unknown seccomp operator", new[] { "linux.seccomp.syscalls[0].args[0].op", "SCMP_CMP_BOGUS" }, c =>
        { c["linux"]!["seccomp"] = J(Seccomp); c["linux"]!["seccomp"]!["syscalls"]![0]!["args"]![0]!["op"] = "SCMP_CMP_BOGUS"; });
        Cfg("unknown seccomp flag", new[] { "linux.seccomp.flags", "SECCOMP_FILTER_FLAG_BOGUS" }, c =>
        { c["linux"]!["seccomp"] = J(Seccomp); c["linux"]!["seccomp"]!["flags"] = Json.Arr("SECCOMP_FILTER_FLAG_BOGUS"); });
        Cfg("seccomp arg index 6", new[] { "linux.seccomp.syscalls[0].args[0].index" }, c =>
        { c["linux"]!["seccomp"] = J(Seccomp); c["linux"]!["seccomp"]!["syscalls"]![0]!["args"]![0]!["index"] = 6; });
        Cfg("seccomp empty syscall names", new[] { "linux.seccomp.syscalls[0].names" }, c =>
        { c["linux"]!["seccomp"] = J(Seccomp); c["linux"]!["seccomp"]!["syscalls"]![0]!["names"] = new JsonArray(); });
        Cfg("unknown rootfsPropagation", new[] { "linux.rootfsPropagation", "bogus" }, c => c["linux"]!["rootfsPropagation"] = "bogus");
        Cfg("unknown device type", new[] { "linux.devices[0].type" }, c => c["linux"]!["devices"] = J("""[{"path":"/dev/x","type":"z","major":1,"minor":3}]"""));
        Cfg("unknown cgroup device access", new[] { "linux.resources.devices[0].access" }, c => c["linux"]!["resources"]!["devices"]![0]!["access"] = "rwx");
        Cfg("unknown mount propagation option", new[] { "mounts[1]" }, c =>
            c["mounts"]![1]!["options"]!.AsArray().Add("rbogus"));
        Cfg("unknown ioPriority class", new[] { "process.ioPriority.class", "IOPRIO_CLASS_BOGUS" }, c =>
            c["process"]!["ioPriority"] = J("{\"class\":\"IOPRIO_CLASS_BOGUS\",\"priority\":0}"));
        Cfg("unknown scheduler policy", new[] { "process.scheduler.policy", "SCHED_BOGUS" }, c =>
            c["process"]!["scheduler"] = J("{\"policy\":\"SCHED_BOGUS\"}"));
        Cfg("unknown personality domain", new[] { "linux.personality.domain", "LINUX_BOGUS" }, c =>
            c["linux"]!["personality"] = J("{\"domain\":\"LINUX_BOGUS\"}"));
        Cfg("unknown time offset clock", new[] { "linux.timeOffsets", "bogusclock" }, c =>
        { c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"time\"}")); c["linux"]!["timeOffsets"] = J("{\"bogusclock\":{\"secs\":1}}"); });
        Cfg("sysctl not namespaced (kernel.modprobe)", new[] { "linux.sysctl", "kernel.modprobe" }, c =>
            c["linux"]!["sysctl"] = J("{\"kernel.modprobe\":\"/bin/true\"}"));
        Cfg("sysctl key with ..", new[] { "linux.sysctl" }, c => c["linux"]!["sysctl"] = J("{\"net/../../kernel/modprobe\":\"/bin/true\"}"));

        // ---- invalid id mappings
        Cfg("uidMappings without a user namespace", new[] { "uidMappings", "user namespace" }, c => { c["linux"]!["uidMappings"] = J(UserNs); c["linux"]!["gidMappings"] = J(UserNs); });
        void UserNsCase(string name, string[] names, string uid, string gid) => Cfg(name, names, c =>
        {
            c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"user\"}"));
            c["linux"]!["uidMappings"] = J(uid);
            c["linux"]!["gidMappings"] = J(gid);
        });
        UserNsCase("uid mapping of size 0", new[] { "linux.uidMappings[0].size" }, """[{"containerID":0,"hostID":100000,"size":0}]""", UserNs);
        UserNsCase("uid mappings overlapping", new[] { "linux.uidMappings" },
            """[{"containerID":0,"hostID":100000,"size":100},{"containerID":50,"hostID":200000,"size":100}]""", UserNs);
        UserNsCase("gid mapping containerID+size overflows 2^32", new[] { "linux.gidMappings" }, UserNs,
            """[{"containerID":4294967295,"hostID":100000,"size":2}]""");
        UserNsCase("uid mapping hostID+size overflows 2^32", new[] { "linux.uidMappings" },
            """[{"containerID":0,"hostID":4294967295,"size":10}]""", UserNs);
        UserNsCase("user namespace with no uid mappings", new[] { "uidMappings" }, "[]", UserNs);
        UserNsCase("341 uid mappings", new[] { "linux.uidMappings" },
            "[" + string.Join(",", Enumerable.Range(0, 341).Select(i => $"{{\"containerID\":{i},\"hostID\":{100000 + i},\"size\":1}}")) + "]", UserNs);
        Cfg("gidMappings without uidMappings", new[] { "uidMappings" }, c =>
        { c["linux"]!["namespaces"]!.AsArray().Add(J("{\"type\":\"user\"}")); c["linux"]!["gidMappings"] = J(UserNs); });

        // ---- relative and ..-laden paths
        Cfg("relative cwd", new[] { "process.cwd" }, c => c["process"]!["cwd"] = "tmp");
        Cfg("relative cwd with ..", new[] { "process.cwd" }, c => c["process"]!["cwd"] = "../../..");
        // runtime-spec 1.1 and runc accept a relative destination as relative to the rootfs: it may succeed,
        // but must never reach the host.
        list.Add(new BadCase
        {
            Name = "relative mount destination", MaySucceed = true, Names = new[] { "mounts[7]" },
            Mutate = (c, _) => c["mounts"]!.AsArray().Add(J("{\"destination\":\"data\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}")),
        });
        list.Add(new BadCase
        {
            Name = "relative mount destination with ..", PrivateRootfs = true, MaySucceed = true, Names = new[] { "mounts[7]" },
            Mutate = (c, _) => c["mounts"]!.AsArray().Add(J($"{{\"destination\":\"../../../../../../tmp/{TokenPlaceholder}\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}}")),
            MustNotExist = (b, token) => new[] { $"/tmp/{token}" },
        });
        Cfg("relative masked path", new[] { "linux.maskedPaths" }, c => c["linux"]!["maskedPaths"]!.AsArray().Add("proc/kcore"));
        Cfg("relative readonly path", new[] { "linux.readonlyPaths" }, c => c["linux"]!["readonlyPaths"]!.AsArray().Add("proc/sys"));
        Cfg("relative hook path", new[] { "hooks.prestart[0].path" }, c => c["hooks"] = J("{\"prestart\":[{\"path\":\"true\"}]}"));
        Cfg("relative namespace path", new[] { "linux.namespaces" }, c =>
            c["linux"]!["namespaces"]![1]!["path"] = "proc/self/ns/net");
        Cfg("namespace path that does not exist", new[] { "linux.namespaces", "/no/such/ns" }, c =>
            c["linux"]!["namespaces"]![1]!["path"] = "/no/such/ns");
        Cfg("namespace path of the wrong type", new[] { "linux.namespaces", "/proc/self/ns/ipc" }, c =>
            c["linux"]!["namespaces"]![1]!["path"] = "/proc/self/ns/ipc");
        Cfg("namespace path is a regular file", new[] { "linux.namespaces", "/etc/hostname" }, c =>
            c["linux"]!["namespaces"]![1]!["path"] = "/etc/hostname");
        Cfg("root.path relative and missing outside the bundle", new[] { "root.path" }, c =>
            c["root"]!["path"] = "../../../../../no-such-rootfs-" + Guid.NewGuid().ToString("N")[..8]);
        Cfg("rootfs does not exist", new[] { "root.path", "no-such-rootfs" }, c => c["root"]!["path"] = "/no-such-rootfs");
        list.Add(new BadCase
        {
            Name = "rootfs is a regular file", Names = new[] { "root.path" },
            Prepare = (b, _) => File.WriteAllText(Path.Combine(b.Dir, "rootfs-file"), "x"),
            Mutate = (c, _) => c["root"]!["path"] = "rootfs-file",
        });
        Cfg("rootfs is a character device", new[] { "root.path" }, c => c["root"]!["path"] = "/dev/null");
        list.Add(new BadCase
        {
            Name = "rootfs is a dangling symlink", Names = new[] { "root.path" },
            Prepare = (b, _) => File.CreateSymbolicLink(Path.Combine(b.Dir, "rootfs-link"), "/no-such-target"),
            Mutate = (c, _) => c["root"]!["path"] = "rootfs-link",
        });
        Cfg("bind mount source relative and missing", new[] { "mounts[7]", "no-such-source" }, c =>
            c["mounts"]!.AsArray().Add(J("{\"destination\":\"/mnt\",\"type\":\"bind\",\"source\":\"no-such-source\",\"options\":[\"bind\"]}")));
        Cfg("mount of unknown filesystem type", new[] { "/mnt", "nosuchfs" }, c =>
            c["mounts"]!.AsArray().Add(J("{\"destination\":\"/mnt\",\"type\":\"nosuchfs\",\"source\":\"none\"}")));

        // ---- hostile inputs that may succeed: assert nothing outside the rootfs is touched
        string[] Escape(Bundle b, string token) => new[] { $"/tmp/{token}", Path.Combine(Path.GetTempPath(), token) };
        foreach (var (name, dest, type, opts) in new[]
        {
            ("symlink mount destination out of the rootfs (tmpfs)", "/etc/evil", "tmpfs", "[]"),
            ("symlink mount destination out of the rootfs (subdir)", "/etc/evil/sub", "tmpfs", "[]"),
            ("symlink mount destination out of the rootfs (bind)", "/etc/evil", "bind", "[\"rbind\"]"),
        })
        {
            list.Add(new BadCase
            {
                Name = name, PrivateRootfs = true, MaySucceed = true, Names = new[] { "mounts[7]" },
                Prepare = (b, token) => File.CreateSymbolicLink(Path.Combine(b.RootfsPath, "etc", "evil"), $"../../../../../../tmp/{token}"),
                Mutate = (c, b) =>
                {
                    c["process"]!["args"] = Json.Arr("true");
                    var src = type == "bind" ? "/bin" : "tmpfs";
                    c["mounts"]!.AsArray().Add(J($"{{\"destination\":\"{dest}\",\"type\":\"{type}\",\"source\":\"{src}\",\"options\":{opts}}}"));
                },
                MustNotExist = Escape,
            });
        }
        list.Add(new BadCase
        {
            Name = "absolute ..-laden mount destination", PrivateRootfs = true, MaySucceed = true, Names = new[] { "mounts[7]" },
            Mutate = (c, b) =>
            {
                c["process"]!["args"] = Json.Arr("true");
                c["mounts"]!.AsArray().Add(J($"{{\"destination\":\"/../../../../../../tmp/{TokenPlaceholder}\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}}"));
            },
            MustNotExist = Escape,
        });
        list.Add(new BadCase
        {
            Name = "absolute ..-laden cwd", MaySucceed = true, Names = new[] { "process.cwd" },
            Mutate = (c, b) => { c["process"]!["args"] = Json.Arr("true"); c["process"]!["cwd"] = "/../../../../../tmp"; },
        });
        list.Add(new BadCase
        {
            Name = "cwd is a symlink out of the rootfs", PrivateRootfs = true, MaySucceed = true, Names = new[] { "process.cwd" },
            Prepare = (b, token) => File.CreateSymbolicLink(Path.Combine(b.RootfsPath, "evilcwd"), $"../../../../../../tmp/{token}"),
            Mutate = (c, b) => { c["process"]!["args"] = Json.Arr("true"); c["process"]!["cwd"] = "/evilcwd"; },
            MustNotExist = Escape,
        });
        list.Add(new BadCase
        {
            Name = "masked path is a symlink out of the rootfs", PrivateRootfs = true, MaySucceed = true, Names = new[] { "linux.maskedPaths" },
            Prepare = (b, token) =>
            {
                Directory.CreateDirectory($"/tmp/{token}-target");
                File.CreateSymbolicLink(Path.Combine(b.RootfsPath, "evilmask"), $"../../../../../../tmp/{token}-target");
            },
            Mutate = (c, b) => { c["process"]!["args"] = Json.Arr("true"); c["linux"]!["maskedPaths"]!.AsArray().Add("/evilmask"); },
        });
        list.Add(new BadCase
        {
            Name = "root.path outside the bundle via ..", MaySucceed = true, Names = new[] { "root.path" },
            Mutate = (c, b) =>
            {
                c["process"]!["args"] = Json.Arr("true");
                c["root"]!["path"] = Path.GetRelativePath(b.Dir, b.RootfsPath);
            },
        });

        // ---- container ids
        foreach (var (label, id) in new[]
        {
            ("slash", "a/b"), ("dotdot", ".."), ("dot", "."), ("dotdot path", "../../tmp/escape"), ("space", "x y"),
            ("1 KiB + 1", new string('i', 1025)), ("1 KiB", new string('i', 1024)), ("256 chars", new string('i', 256)),
            ("empty", ""), ("newline", "a\nb"), ("tab", "a\tb"), ("non-ASCII", "caf\u00e9"), ("percent", "%s%n"),
            ("absolute path", "/tmp/abs"), ("NUL-free control char", "a\u0001b"),
        })
            list.Add(new BadCase { Name = $"container id {label}", Id = id, Names = new[] { "id" } });
        list.Add(new BadCase { Name = "container id leading dash (parsed as a flag)", Id = "-x", Names = new[] { "-x" } });
        list.Add(new BadCase { Name = "container id slash on run", Id = "bad/id", Command = "run", Names = new[] { "id" } });

        // ---- command lines
        void Cli(string name, string[] names, Func<string, string, string[]> argv, bool needsContainer = false, bool own = false) =>
            list.Add(new BadCase { Name = name, Names = names, Argv = argv, NeedsContainer = needsContainer, OwnGlobalFlags = own });
        Cli("cli unknown flag on create", new[] { "no-such-flag" }, (b, id) => new[] { "create", "--no-such-flag", "--bundle", b, id });
        Cli("cli unknown global flag", new[] { "no-such-global" }, (b, id) => new[] { "--no-such-global", "create", "--bundle", b, id });
        Cli("cli create without id", new[] { "\"create\"", "argument" }, (b, id) => new[] { "create", "--bundle", b });
        Cli("cli run without id", new[] { "\"run\"", "argument" }, (b, id) => new[] { "run", "--bundle", b });
        Cli("cli start without id", new[] { "\"start\"", "argument" }, (b, id) => new[] { "start" });
        Cli("cli state without id", new[] { "\"state\"", "argument" }, (b, id) => new[] { "state" });
        Cli("cli delete without id", new[] { "\"delete\"", "argument" }, (b, id) => new[] { "delete", "--force" });
        Cli("cli kill without id", new[] { "\"kill\"", "argument" }, (b, id) => new[] { "kill" });
        Cli("cli create with two ids", new[] { "\"create\"", "argument" }, (b, id) => new[] { "create", "--bundle", b, id, id2 });
        Cli("cli --bundle without a value", new[] { "bundle" }, (b, id) => new[] { "create", id, "--bundle" });
        Cli("cli --preserve-fds=-1", new[] { "preserve-fds" }, (b, id) => new[] { "create", "--preserve-fds=-1", "--bundle", b, id });
        Cli("cli --preserve-fds=abc", new[] { "preserve-fds" }, (b, id) => new[] { "create", "--preserve-fds=abc", "--bundle", b, id });
        Cli("cli --preserve-fds huge", new[] { "preserve-fds" }, (b, id) => new[] { "create", "--preserve-fds=99999999999", "--bundle", b, id });
        Cli("cli --pid-file in a missing dir", new[] { "/no/such/dir" }, (b, id) => new[] { "create", "--pid-file", "/no/such/dir/pid", "--bundle", b, id });
        Cli("cli --console-socket that does not exist", new[] { "console socket" }, (b, id) => new[] { "create", "--console-socket", "/no/such/socket", "--bundle", b, id });
        Cli("cli --rootless=maybe", new[] { "rootless" }, (b, id) => new[] { "--rootless=maybe", "create", "--bundle", b, id });
        Cli("cli --log-format=xml", new[] { "log-format", "xml" }, (b, id) => new[] { "--log-format=xml", "create", "--bundle", b, id }, own: true);
        Cli("cli bundle is a file", new[] { "bundle" }, (b, id) => new[] { "create", "--bundle", Path.Combine(b, "config.json"), id });
        Cli("cli start of a missing container", new[] { "it-missing" }, (b, id) => new[] { "start", "it-missing" });
        Cli("cli state of an invalid id", new[] { "id" }, (b, id) => new[] { "state", "../x" });
        Cli("cli delete of an invalid id", new[] { "id" }, (b, id) => new[] { "delete", "--force", "a/../../b" });
        Cli("cli kill with signal -9 (parsed as a flag)", new[] { "-9" }, (b, id) => new[] { "kill", id, "-9" }, needsContainer: true);
        foreach (var sig in new[] { "SIGBOGUS", "BOGUS", "65", "", "9x", "sigkill2", "99999999999" })
            Cli($"cli kill with bad signal '{sig}'", new[] { "signal" }, (b, id) => new[] { "kill", id, sig }, needsContainer: true);
        Cli("cli kill with two signals", new[] { "\"kill\"", "argument" }, (b, id) => new[] { "kill", id, "TERM", "KILL" }, needsContainer: true);
        Cli("cli kill --all=maybe", new[] { "all" }, (b, id) => new[] { "kill", "--all=maybe", id, "KILL" }, needsContainer: true);

        var dup = list.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dup.Count > 0) throw new InvalidOperationException("duplicate case names: " + string.Join(", ", dup));
        return list;
    }

    private const string id2 = "it-second-id";

    /// <summary>Replaced in the written config by the case's unique token.</summary>
    public const string TokenPlaceholder = "@TOKEN@";

    private static string Short(string s) => s.Length <= 24 ? s : s[..21] + "...";
}
