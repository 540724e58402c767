namespace Runsharp.Cli.CommandLine;

/// <summary>The parsed value of one declared flag, or its default when the flag was not given.</summary>
public sealed class FlagValue
{
    private readonly List<string> _strings = [];
    private readonly List<long> _integers = [];

    internal FlagValue(FlagSpec spec)
    {
        Spec = spec;
        switch (spec.Kind)
        {
            case FlagKind.String:
                Text = spec.DefaultValue ?? "";
                break;
            case FlagKind.Int:
                Integer = spec.DefaultValue is null ? 0 : long.Parse(spec.DefaultValue, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case FlagKind.Duration:
                if (spec.DefaultValue is not null && GoValueParser.TryParseDuration(spec.DefaultValue, out var d)) Duration = d;
                break;
        }
    }

    public FlagSpec Spec { get; }

    /// <summary>True when the flag appeared on the command line at least once.</summary>
    public bool IsSet { get; private set; }

    /// <summary>How often it appeared (repeated bools are legal).</summary>
    public int Count { get; private set; }

    public bool Boolean { get; private set; }
    public string Text { get; private set; } = "";
    public long Integer { get; private set; }
    public TimeSpan Duration { get; private set; }
    public IReadOnlyList<string> Strings => _strings;
    public IReadOnlyList<long> Integers => _integers;

    internal void SetBool(bool value) { Boolean = value; MarkSet(); }
    internal void SetText(string value) { Text = value; MarkSet(); }
    internal void SetInteger(long value) { Integer = value; MarkSet(); }
    internal void SetDuration(TimeSpan value) { Duration = value; MarkSet(); }
    internal void AddString(string value) { _strings.Add(value); MarkSet(); }
    internal void AddInteger(long value) { _integers.Add(value); MarkSet(); }

    private void MarkSet()
    {
        IsSet = true;
        Count++;
    }
}
