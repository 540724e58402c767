namespace Runsharp.Linux;

/// <summary>
/// The fields of /proc/&lt;pid&gt;/stat that tell a live process from a recycled pid: its state letter
/// and its start time in clock ticks since boot (field 22).
/// </summary>
public readonly record struct ProcessStat(char State, ulong StartTime)
{
    public bool IsZombieOrDead => State is 'Z' or 'X' or 'x';

    public static ProcessStat? Read(int pid)
    {
        if (pid <= 0) return null;
        string? text = Posix.TryReadText($"/proc/{pid}/stat", out _);
        return text is null ? null : Parse(text);
    }

    /// <summary>Parses a stat line; the command name may hold spaces and parentheses, so split after the last ')'.</summary>
    public static ProcessStat? Parse(string text)
    {
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length) return null;
        var fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); start time is field 22 -> fields[19].
        if (fields.Length < 20 || fields[0].Length == 0 || !ulong.TryParse(fields[19], out var start)) return null;
        return new ProcessStat(fields[0][0], start);
    }
}
