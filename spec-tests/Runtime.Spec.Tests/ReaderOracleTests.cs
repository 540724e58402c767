using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Runsharp.Benchmarks;
using Xunit.Abstractions;

namespace Runsharp.Spec.Tests;

/// <summary>
/// The hand-written readers against the source-generated deserializer they replace (<see cref="SourceGenOracle"/>):
/// the same document must give the same model (compared member by member through the source-generated serializer)
/// or the same error.
/// </summary>
public class ReaderOracleTests(ITestOutputHelper output)
{
    private static string Print(Spec spec) => JsonSerializer.Serialize(spec, SpecJsonOracle.For(SpecJson.Compact).Spec) + (spec.Process is { } p ? $" userGiven={p.UserGiven}" : "");

    private static string Outcome(Func<Spec> parse)
    {
        try { return "ok " + Print(parse()); }
        catch (SpecException e) { return $"error {e.Message} @{e.JsonPath}"; }
    }

    private static string Mine(byte[] json) => Outcome(() => SpecLoader.ParseConfig(json));

    private static string Oracle(byte[] json) => Outcome(() => SourceGenOracle.Parse(json, SpecJsonContext.Default.Spec, "config.json"));

    [Fact]
    public void RealWorldConfigsReadAsTheSourceGeneratedContextReadThem()
    {
        using var large = new LargeConfig();
        var documents = new List<byte[]> { large.Json, Encoding.UTF8.GetBytes(FullConfig.Json) };
        documents.AddRange(FuzzTests.Seeds.Select(Encoding.UTF8.GetBytes));
        documents.Add(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", "runc-spec.json")));
        foreach (var json in documents)
        {
            string mine = Mine(json);
            Assert.StartsWith("ok ", mine);
            Assert.Equal(Oracle(json), mine);
        }

        // The engine config really exercises the readers: everything in it comes back.
        var spec = SpecLoader.ParseConfig(large.Json);
        Assert.Equal(LargeConfig.MountCount, spec.Mounts!.Count);
        Assert.True(spec.Linux!.Seccomp!.Syscalls!.Sum(s => s.Names.Count) > 300);
    }

    [Fact]
    public void ProcessAndResourcesDocumentsReadAsBefore()
    {
        var full = SpecLoader.ParseConfig(FullConfig.Json);
        byte[] process = Encoding.UTF8.GetBytes(SpecJson.Serialize(full.Process!));
        Assert.Equal(
            JsonSerializer.Serialize(SourceGenOracle.Parse(process, SpecJsonContext.Default.Process, "p.json"), SpecJsonOracle.For(SpecJson.Compact).Process),
            JsonSerializer.Serialize(SpecLoader.ParseProcess(process, "p.json"), SpecJsonOracle.For(SpecJson.Compact).Process));

        byte[] resources = JsonSerializer.SerializeToUtf8Bytes(full.Linux!.Resources!, SpecJsonContext.Default.LinuxResources);
        var mine = SpecLoader.ParseResources(resources);
        var theirs = SourceGenOracle.Parse(resources, SpecJsonContext.Default.LinuxResources, "resources");
        Assert.Equal(
            JsonSerializer.Serialize(theirs, SpecJsonContext.Default.LinuxResources),
            JsonSerializer.Serialize(mine, SpecJsonContext.Default.LinuxResources));
    }

    /// <summary>
    /// Mutated configs (the fuzzer's mutators) through both readers. Where they differ, the difference must be one of
    /// the deliberate ones, each counted in the summary.
    /// </summary>
    [Fact]
    public void MutatedConfigsReadOrFailAsBefore()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("RUNSHARP_FUZZ_SECONDS"), out var s) ? s / 2 : 10;
        var rng = new Random(20261124);
        var seeds = FuzzTests.Seeds.Select(Encoding.UTF8.GetBytes).ToArray();
        var counts = new SortedDictionary<string, int>();
        var unexplained = new List<string>();
        var clock = Stopwatch.StartNew();
        byte[] input = seeds[0];
        int tried = 0;
        while (clock.Elapsed.TotalSeconds < seconds && unexplained.Count < 5)
        {
            byte[] start = rng.Next(4) == 0 ? input : seeds[rng.Next(seeds.Length)];
            input = start;
            for (int i = 1 + rng.Next(3); i > 0; i--) input = FuzzTests.Mutate(input, rng);
            string mine = Mine(input), oracle = Oracle(input);
            string? why = Explain(input, oracle, mine);
            if (why is null) unexplained.Add($"input (base64) {Convert.ToBase64String(input)}\n  oracle: {Cut(oracle)}\n  mine:   {Cut(mine)}");
            else counts[why] = counts.GetValueOrDefault(why) + 1;
            tried++;
        }
        string summary = $"{tried} inputs: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
        output.WriteLine(summary);
        Assert.True(unexplained.Count == 0, summary + "\n" + string.Join("\n", unexplained));
        Assert.True(counts.GetValueOrDefault("same ok") > 0 && counts.GetValueOrDefault("same error") > 0, summary);
    }

    private static string Cut(string s) => s.Length > 300 ? s[..300] + "..." : s;

    /// <summary>Why two outcomes may differ; null when they should not.</summary>
    private static string? Explain(byte[] input, string oracle, string mine)
    {
        if (oracle == mine) return oracle.StartsWith("ok ") ? "same ok" : "same error";
        // The serializer stops at 64 levels ("invalid value"); the readers allow what the syntax check allows (256).
        if (oracle.EndsWith(": invalid value @" + PathOf(oracle)) && Depth(input) > 64) return "deeper than 64 levels";
        if (oracle.StartsWith("error ") && mine.StartsWith("error "))
        {
            string oracleWhere = oracle[..(oracle.IndexOf(": ", StringComparison.Ordinal) + 2)];
            // The describer re-parsed the document to find the value, at 64 levels at most: past that it could not,
            // and left out "got" (or, on a number, the range).
            if (!oracle.Contains(", got ") && mine.StartsWith(oracleWhere) && Depth(input) > 64) return "error names what it got";
            // A \u escape of half a surrogate pair: was "expected a string, got a string" (or an object, got an object,
            // for a member name); now the error says so.
            if (mine.Contains("half of a UTF-16 surrogate pair")) return "error names the bad escape";
            // The describer looked at the first of duplicate members; the error was about a later one.
            if (mine.StartsWith(oracleWhere) && HasDuplicateMembers(input)) return "error is about the duplicate member";
        }
        return null;
    }

    private static string PathOf(string outcome) => outcome[(outcome.LastIndexOf(" @", StringComparison.Ordinal) + 2)..];

    private static bool HasDuplicateMembers(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 100000 });
        var names = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartObject) names.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase));
                else if (reader.TokenType == JsonTokenType.EndObject) names.Pop();
                else if (reader.TokenType == JsonTokenType.PropertyName && !names.Peek().Add(Encoding.UTF8.GetString(reader.ValueSpan))) return true;
            }
        }
        catch (JsonException) { }
        return false;
    }

    private static int Depth(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 100000 });
        int max = 0;
        try { while (reader.Read()) max = Math.Max(max, reader.CurrentDepth); }
        catch (JsonException) { }
        return max + 1;
    }
}
