namespace Runsharp.Cli.CommandLine;

/// <summary>
/// Declares one flag: its long name, its aliases (usually one letter), the value kind, a default and
/// the help text. Names are given without dashes; both <c>-name</c> and <c>--name</c> select it.
/// </summary>
public sealed class FlagSpec
{
    public FlagSpec(string name, FlagKind kind, string usage, string[]? aliases = null, string? defaultValue = null, bool hidden = false)
    {
        Name = name;
        Kind = kind;
        Usage = usage;
        Aliases = aliases ?? [];
        DefaultValue = defaultValue;
        Hidden = hidden;
    }

    public string Name { get; }
    public FlagKind Kind { get; }
    public string Usage { get; }
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The value used when the flag is absent, in command-line syntax (e.g. "5s", "table").</summary>
    public string? DefaultValue { get; }

    /// <summary>Accepted but left out of help (runc's obsolete <c>--kernel-memory</c>).</summary>
    public bool Hidden { get; }

    /// <summary>Bools never consume the next argument; every other kind does when no '=' is given.</summary>
    public bool TakesValue => Kind != FlagKind.Bool;

    public bool HasName(string name)
    {
        if (Name == name) return true;
        foreach (var alias in Aliases)
            if (alias == name) return true;
        return false;
    }

    public static FlagSpec Bool(string name, string usage, params string[] aliases) => new(name, FlagKind.Bool, usage, aliases);

    public static FlagSpec String(string name, string usage, string? defaultValue = null, params string[] aliases)
        => new(name, FlagKind.String, usage, aliases, defaultValue);

    public static FlagSpec Int(string name, string usage, int defaultValue = 0, params string[] aliases)
        => new(name, FlagKind.Int, usage, aliases, defaultValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static FlagSpec StringList(string name, string usage, params string[] aliases) => new(name, FlagKind.StringList, usage, aliases);

    public static FlagSpec IntList(string name, string usage, params string[] aliases) => new(name, FlagKind.IntList, usage, aliases);

    public static FlagSpec Duration(string name, string usage, string defaultValue) => new(name, FlagKind.Duration, usage, null, defaultValue);
}
