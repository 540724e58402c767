namespace Runtime.Integration.Tests.Harness;

/// <summary>The --log-format json records of one invocation, decoded (JSON writers may escape the same text
/// differently, e.g. &lt; as \u003c in Go and as is in runsharp, so tests compare the decoded text).</summary>
public static class LogRecords
{
    /// <summary>(level, msg) of every JSON line in the log; other lines are skipped.</summary>
    public static List<(string Level, string Msg)> Records(this Result r)
    {
        var list = new List<(string, string)>();
        foreach (var line in r.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                if (JsonNode.Parse(line) is JsonObject o)
                    list.Add(((string?)o["level"] ?? "", (string?)o["msg"] ?? ""));
            }
            catch (System.Text.Json.JsonException) { /* not a record */ }
        }
        return list;
    }

    /// <summary>Every record's message, one per line.</summary>
    public static string Messages(this Result r) => string.Join('\n', r.Records().Select(x => x.Msg));
}
