namespace Runsharp.Cli.CommandLine;

/// <summary>
/// Values of a set of declared flags, keyed by long name, with typed accessors. Asking for a flag the
/// command does not declare throws: that is a programming error (a typo), not user input.
/// </summary>
public sealed class FlagValues
{
    private readonly Dictionary<string, FlagValue> _byName = new(StringComparer.Ordinal);

    internal FlagValues(IEnumerable<FlagSpec> specs)
    {
        foreach (var spec in specs)
            _byName[spec.Name] = new FlagValue(spec);
    }

    public IReadOnlyDictionary<string, FlagValue> All => _byName;

    public bool IsDeclared(string name) => _byName.ContainsKey(name);

    public bool IsSet(string name) => Get(name).IsSet;

    public FlagValue Get(string name)
    {
        if (_byName.TryGetValue(name, out var value)) return value;
        throw new InvalidOperationException($"flag --{name} is not declared for this command");
    }

    public string GetString(string name) => Expect(name, FlagKind.String).Text;

    /// <summary>The string value, or null when it is empty (runc treats "" as "not given").</summary>
    public string? GetStringOrNull(string name)
    {
        var text = GetString(name);
        return text.Length == 0 ? null : text;
    }

    public bool GetBool(string name) => Expect(name, FlagKind.Bool).Boolean;

    public int GetInt(string name) => checked((int)Expect(name, FlagKind.Int).Integer);

    public TimeSpan GetDuration(string name) => Expect(name, FlagKind.Duration).Duration;

    public IReadOnlyList<string> GetList(string name) => Expect(name, FlagKind.StringList).Strings;

    public IReadOnlyList<long> GetIntList(string name) => Expect(name, FlagKind.IntList).Integers;

    private FlagValue Expect(string name, FlagKind kind)
    {
        var value = Get(name);
        if (value.Spec.Kind != kind)
            throw new InvalidOperationException($"flag --{name} is a {value.Spec.Kind} flag, not {kind}");
        return value;
    }
}
