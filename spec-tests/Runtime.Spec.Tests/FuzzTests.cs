using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Win32.SafeHandles;
using Runsharp.Spec;
using Xunit.Abstractions;

namespace Runsharp.Spec.Tests;

/// <summary>
/// A seeded mutation fuzzer for SpecLoader.ParseConfig + SpecValidator.Validate. Inputs are seed configs
/// mutated by byte flips, byte inserts, truncation, token swaps, field deletion and duplication, type swaps
/// and deep nesting. The only acceptable outcomes are a Spec (then validated without throwing) or a
/// SpecException. Bounded by time: $RUNSHARP_FUZZ_SECONDS (default 20); $RUNSHARP_FUZZ_SEED picks the seed.
/// A failing input is printed as base64. The input being tried is also kept in
/// $TMPDIR/runsharp-fuzz-current.b64, so a crash that kills the test host (stack overflow) leaves it behind,
/// and a watchdog thread prints it and fails fast if one input runs for more than 30 s.
/// </summary>
public class FuzzTests
{
    private readonly ITestOutputHelper _out;
    public FuzzTests(ITestOutputHelper output) { _out = output; }

    private const double MaxSecondsPerInput = 2.0;

    internal static readonly string[] Seeds =
    {
        FullConfig.Json,
        SpecJson.Serialize(DefaultSpec.Create(rootless: false), SpecJson.Indented),
        SpecJson.Serialize(DefaultSpec.Create(rootless: true, 1000, 1000), SpecJson.Compact),
        """{"ociVersion":"1.2.0","root":{"path":"rootfs"},"process":{"user":{"uid":0,"gid":0},"args":["true"],"cwd":"/"}}""",
        """
        {"ociVersion":"1.0.2","root":{"path":"rootfs","readonly":true},"hostname":"h",
         "process":{"user":{"uid":1,"gid":1,"additionalGids":[2,3]},"args":["sh"],"cwd":"/","env":["A=b"],
                    "rlimits":[{"type":"RLIMIT_NOFILE","soft":1,"hard":2},{"type":"RLIMIT_CORE","soft":0,"hard":0}]},
         "mounts":[{"destination":"/data","type":"bind","source":"/srv","options":["rbind","ro","rprivate"]}],
         "hooks":{"prestart":[{"path":"/bin/true","args":["true"],"env":["X=1"],"timeout":5}]},
         "linux":{"namespaces":[{"type":"user"},{"type":"pid"},{"type":"network","path":"/proc/1/ns/net"}],
                  "uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
                  "gidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
                  "sysctl":{"net.ipv4.ip_forward":"1"},"cgroupsPath":"/a/b",
                  "resources":{"memory":{"limit":1048576,"swap":2097152},"cpu":{"shares":512,"quota":1000,"period":100000,"cpus":"0-1"},
                               "pids":{"limit":10},"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]},
                  "seccomp":{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],"flags":["SECCOMP_FILTER_FLAG_LOG"],
                             "syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"valueTwo":0,"op":"SCMP_CMP_EQ"}]}]},
                  "devices":[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438,"uid":0,"gid":0}],
                  "maskedPaths":["/proc/kcore"],"readonlyPaths":["/proc/sys"],"rootfsPropagation":"rslave",
                  "timeOffsets":{"monotonic":{"secs":1,"nanosecs":2}},"personality":{"domain":"LINUX32"}}}
        """,
    };

    /// <summary>Replacement values for type swaps and token swaps: every JSON type, and the edges of number ranges.</summary>
    private static readonly string[] Values =
    {
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "18446744073709551615", "18446744073709551616",
        "9223372036854775808", "-9223372036854775809", "4294967296", "2147483648", "\"\"", "\"x\"", "\"/\"", "\"..\"",
        "\"\\u0000\"", "\"\\ud800\"", "\"" + new string('a', 5000) + "\"", "[]", "{}", "[null]", "[\"x\"]", "[1]", "{\"a\":1}",
        "[[[[[[[[]]]]]]]]", "\"CAP_BOGUS\"", "\"RLIMIT_BOGUS\"", "\"SCMP_ACT_BOGUS\"",
    };

    private static readonly byte[] Interesting = Encoding.ASCII.GetBytes("{}[]\",:0123456789-.eE+\\ntfu \0\xff");

    [Fact]
    public void ParserAndValidatorNeverCrashOrHang()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("RUNSHARP_FUZZ_SECONDS"), out var s) ? s : 20;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("RUNSHARP_FUZZ_SEED"), out var sd) ? sd : 20261123;
        var rng = new Random(seed);
        var seedBytes = Seeds.Select(Encoding.UTF8.GetBytes).ToArray();

        var bundle = Directory.CreateTempSubdirectory("runsharp-fuzz-").FullName;
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
        var currentFile = Path.Combine(Path.GetTempPath(), "runsharp-fuzz-current.b64");
        using var current = File.OpenHandle(currentFile, FileMode.Create, FileAccess.Write);

        long tried = 0, parsed = 0, refused = 0;
        var outcomes = new Dictionary<string, int>();
        byte[] input = seedBytes[0];
        long startTicks = 0; // Stopwatch timestamp of the input in progress, 0 when idle
        var done = false;
        var watchdog = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                Thread.Sleep(500);
                long t = Interlocked.Read(ref startTicks);
                if (t != 0 && Stopwatch.GetElapsedTime(t).TotalSeconds > 30)
                {
                    var msg = $"fuzz: one input has run for 30 s (hang); input (base64): {Convert.ToBase64String(Volatile.Read(ref input))}";
                    Console.Error.WriteLine(msg);
                    Environment.FailFast(msg);
                }
            }
        }) { IsBackground = true, Name = "fuzz watchdog" };
        watchdog.Start();

        var total = Stopwatch.StartNew();
        try
        {
            // Every seed unmutated first: they must parse.
            foreach (var sb in seedBytes) SpecValidator.Validate(SpecLoader.ParseConfig(sb), bundle);

            while (total.Elapsed.TotalSeconds < seconds)
            {
                // Start from a seed, or keep mutating the last input (stacked mutations) now and then.
                byte[] baseInput = rng.Next(4) == 0 ? input : seedBytes[rng.Next(seedBytes.Length)];
                int n = 1 + rng.Next(3);
                byte[] candidate = baseInput;
                for (int i = 0; i < n; i++) candidate = Mutate(candidate, rng);
                Volatile.Write(ref input, candidate);

                var b64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(candidate));
                RandomAccess.SetLength(current, 0);
                RandomAccess.Write(current, b64, 0);

                Interlocked.Exchange(ref startTicks, Stopwatch.GetTimestamp());
                string outcome;
                try
                {
                    var spec = SpecLoader.ParseConfig(candidate);
                    var errors = SpecValidator.Validate(spec, (tried & 1) == 0 ? bundle : null);
                    parsed++;
                    outcome = errors.Count == 0 ? "valid" : "invalid";
                }
                catch (SpecException)
                {
                    refused++;
                    outcome = "SpecException";
                }
                catch (Exception e)
                {
                    Assert.Fail($"fuzz input #{tried} threw {e.GetType().FullName} (only a Spec or a SpecException is acceptable): {e.Message}\n" +
                                $"input (base64): {Convert.ToBase64String(candidate)}\n{e}");
                    return;
                }
                finally
                {
                    double el = Stopwatch.GetElapsedTime(Interlocked.Exchange(ref startTicks, 0)).TotalSeconds;
                    if (el > MaxSecondsPerInput)
                        Assert.Fail($"fuzz input #{tried} took {el:F2} s (limit {MaxSecondsPerInput} s)\ninput (base64): {Convert.ToBase64String(candidate)}");
                }
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                tried++;
            }
        }
        finally
        {
            Volatile.Write(ref done, true);
            try { Directory.Delete(bundle, true); } catch { /* best effort */ }
        }
        try { File.Delete(currentFile); } catch { /* best effort */ }

        var summary = $"fuzz: seed {seed}, {tried} inputs in {total.Elapsed.TotalSeconds:F1} s: " +
                      string.Join(", ", outcomes.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"));
        _out.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(tried > 0);
        Assert.True(parsed > 0 && refused > 0, summary); // the mutations reach both outcomes
    }

    // ------------------------------------------------------------------ mutators

    /// <summary>One mutation. The mutators' own JSON handling may reject odd inputs (duplicate keys): then flip bits.</summary>
    internal static byte[] Mutate(byte[] input, Random rng)
    {
        try { return MutateOnce(input, rng); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException or FormatException)
        {
            return FlipBits(input, rng);
        }
    }

    private static byte[] MutateOnce(byte[] input, Random rng) => rng.Next(10) switch
    {
        0 => FlipBits(input, rng),
        1 => InsertBytes(input, rng),
        2 => Truncate(input, rng),
        3 or 4 => SwapTokens(input, rng),
        5 => ReplaceToken(input, rng),
        6 or 7 => TreeMutation(input, rng),
        8 => DuplicateMember(input, rng),
        _ => Nest(input, rng),
    };

    private static byte[] FlipBits(byte[] input, Random rng)
    {
        if (input.Length == 0) return input;
        var b = (byte[])input.Clone();
        int n = 1 + rng.Next(4);
        for (int i = 0; i < n; i++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
        return b;
    }

    private static byte[] InsertBytes(byte[] input, Random rng)
    {
        int at = rng.Next(input.Length + 1);
        var ins = new byte[1 + rng.Next(3)];
        for (int i = 0; i < ins.Length; i++) ins[i] = Interesting[rng.Next(Interesting.Length)];
        if (rng.Next(2) == 0 && input.Length > 0) // or delete a few bytes instead
        {
            int len = Math.Min(input.Length - Math.Min(at, input.Length - 1), 1 + rng.Next(8));
            at = Math.Min(at, input.Length - 1);
            return input[..at].Concat(input[(at + len)..]).ToArray();
        }
        return input[..at].Concat(ins).Concat(input[at..]).ToArray();
    }

    private static byte[] Truncate(byte[] input, Random rng) => input[..rng.Next(input.Length + 1)];

    /// <summary>The (start, length) of every token of a syntactically valid document; empty if it is not valid.</summary>
    private static List<(int Start, int Length)> Tokens(byte[] input)
    {
        var list = new List<(int, int)>();
        try
        {
            var r = new Utf8JsonReader(input, new JsonReaderOptions { MaxDepth = 512 });
            while (r.Read())
            {
                int start = (int)r.TokenStartIndex;
                int end = (int)r.BytesConsumed;
                if (r.TokenType is JsonTokenType.PropertyName)
                {
                    // BytesConsumed ends after the colon; keep the quoted name only.
                    end = start + (r.HasValueSequence ? 0 : r.ValueSpan.Length) + 2;
                }
                list.Add((start, end - start));
            }
        }
        catch (JsonException) { list.Clear(); }
        return list;
    }

    private static byte[] Splice(byte[] input, (int Start, int Length) tok, byte[] with) =>
        input[..tok.Start].Concat(with).Concat(input[(tok.Start + tok.Length)..]).ToArray();

    private static byte[] SwapTokens(byte[] input, Random rng)
    {
        var toks = Tokens(input);
        if (toks.Count < 2) return FlipBits(input, rng);
        var a = toks[rng.Next(toks.Count)];
        var b = toks[rng.Next(toks.Count)];
        if (a.Start == b.Start) return input;
        if (a.Start > b.Start) (a, b) = (b, a);
        if (a.Start + a.Length > b.Start) return input;
        var ta = input.AsSpan(a.Start, a.Length).ToArray();
        var tb = input.AsSpan(b.Start, b.Length).ToArray();
        return input[..a.Start].Concat(tb).Concat(input[(a.Start + a.Length)..b.Start]).Concat(ta).Concat(input[(b.Start + b.Length)..]).ToArray();
    }

    private static byte[] ReplaceToken(byte[] input, Random rng)
    {
        var toks = Tokens(input);
        if (toks.Count == 0) return InsertBytes(input, rng);
        return Splice(input, toks[rng.Next(toks.Count)], Encoding.UTF8.GetBytes(Values[rng.Next(Values.Length)]));
    }

    /// <summary>Deletes a member or element, or swaps a value's type, on the parsed tree.</summary>
    private static byte[] TreeMutation(byte[] input, Random rng)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(input, documentOptions: new JsonDocumentOptions { MaxDepth = 512 }); }
        catch (Exception) { return ReplaceToken(input, rng); }
        if (root is null) return input;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var node = nodes[rng.Next(nodes.Count)];
        var parent = node.Parent;
        if (parent is null) return Encoding.UTF8.GetBytes(Values[rng.Next(Values.Length)]);
        switch (rng.Next(3))
        {
            case 0: // delete
                if (parent is JsonObject po) po.Remove(node.GetPropertyName());
                else parent.AsArray().Remove(node);
                break;
            case 1: // duplicate an array element
                if (parent is JsonArray pa) pa.Add(node.DeepClone());
                else goto default;
                break;
            default: // type swap
                var v = JsonNode.Parse(Values[rng.Next(Values.Length)]);
                if (parent is JsonObject o2) o2[node.GetPropertyName()] = v;
                else parent.AsArray()[node.GetElementIndex()] = v;
                break;
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        if (node is JsonObject o) foreach (var kv in o) { if (kv.Value != null) Collect(kv.Value, into); }
        else if (node is JsonArray a) foreach (var e in a) { if (e != null) Collect(e, into); }
    }

    /// <summary>Duplicates a property textually: the same key twice in one object.</summary>
    private static byte[] DuplicateMember(byte[] input, Random rng)
    {
        var toks = Tokens(input);
        var names = new List<int>();
        for (int i = 0; i + 1 < toks.Count; i++)
            if (input[toks[i].Start] == (byte)'"' && toks[i].Start + toks[i].Length < input.Length && NextNonSpace(input, toks[i].Start + toks[i].Length) == ':')
                names.Add(i);
        if (names.Count == 0) return TreeMutation(input, rng);
        int ni = names[rng.Next(names.Count)];
        // key + value token (scalars only; containers keep their text by value span of the next token)
        var key = toks[ni];
        var val = toks[ni + 1];
        if (input[val.Start] is (byte)'{' or (byte)'[') return TreeMutation(input, rng);
        var member = input.AsSpan(key.Start, val.Start + val.Length - key.Start).ToArray();
        var dup = member.Concat(Encoding.ASCII.GetBytes(",")).ToArray();
        return input[..key.Start].Concat(dup).Concat(input[key.Start..]).ToArray();
    }

    private static char NextNonSpace(byte[] b, int i)
    {
        while (i < b.Length && b[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        return i < b.Length ? (char)b[i] : '\0';
    }

    /// <summary>Wraps a value in deep nesting (up to 20000 levels), or nests the whole document.</summary>
    private static byte[] Nest(byte[] input, Random rng)
    {
        int depth = rng.Next(4) switch { 0 => 255 + rng.Next(4), 1 => 10000, 2 => 20000, _ => 1 + rng.Next(300) };
        bool obj = rng.Next(2) == 0;
        var open = obj ? string.Concat(Enumerable.Repeat("{\"a\":", depth)) : new string('[', depth);
        var close = obj ? new string('}', depth) : new string(']', depth);
        var toks = Tokens(input);
        if (toks.Count == 0 || rng.Next(5) == 0)
            return Encoding.UTF8.GetBytes(open).Concat(input).Concat(Encoding.UTF8.GetBytes(close)).ToArray();
        var t = toks[rng.Next(toks.Count)];
        if (input[t.Start] is (byte)'{' or (byte)'[' or (byte)'}' or (byte)']') return input;
        return Splice(input, t, Encoding.UTF8.GetBytes(open + Encoding.UTF8.GetString(input, t.Start, t.Length) + close));
    }
}
