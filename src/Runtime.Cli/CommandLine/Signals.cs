namespace Runsharp.Cli.CommandLine;

/// <summary>
/// Linux signal names and numbers (x86_64/arm64 numbering) for <c>kill</c>: accepts "9", "KILL",
/// "SIGKILL", "sigterm", "RTMIN+3", "SIGRTMAX-1". Real-time numbers follow glibc (SIGRTMIN = 34),
/// as kill(1) and crun do.
/// </summary>
public static class Signals
{
    public const int RtMin = 34;
    public const int RtMax = 64;
    public const int Max = 64;

    private static readonly Dictionary<string, int> ByName = new(StringComparer.Ordinal)
    {
        ["SIGHUP"] = 1, ["SIGINT"] = 2, ["SIGQUIT"] = 3, ["SIGILL"] = 4, ["SIGTRAP"] = 5,
        ["SIGABRT"] = 6, ["SIGIOT"] = 6, ["SIGBUS"] = 7, ["SIGFPE"] = 8, ["SIGKILL"] = 9,
        ["SIGUSR1"] = 10, ["SIGSEGV"] = 11, ["SIGUSR2"] = 12, ["SIGPIPE"] = 13, ["SIGALRM"] = 14,
        ["SIGTERM"] = 15, ["SIGSTKFLT"] = 16, ["SIGCHLD"] = 17, ["SIGCLD"] = 17, ["SIGCONT"] = 18,
        ["SIGSTOP"] = 19, ["SIGTSTP"] = 20, ["SIGTTIN"] = 21, ["SIGTTOU"] = 22, ["SIGURG"] = 23,
        ["SIGXCPU"] = 24, ["SIGXFSZ"] = 25, ["SIGVTALRM"] = 26, ["SIGPROF"] = 27, ["SIGWINCH"] = 28,
        ["SIGIO"] = 29, ["SIGPOLL"] = 29, ["SIGPWR"] = 30, ["SIGSYS"] = 31, ["SIGUNUSED"] = 31,
        ["SIGRTMIN"] = RtMin, ["SIGRTMAX"] = RtMax,
    };

    // Index = number; the names kill -l prints (aliases such as SIGIOT only parse).
    private static readonly string[] CanonicalNames =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>Parses a signal; throws <see cref="FormatException"/> with runc's <c>unknown signal "X"</c>.</summary>
    public static int Parse(string text)
    {
        if (TryParse(text, out int signal)) return signal;
        throw new FormatException(UnknownSignalMessage(text));
    }

    public static string UnknownSignalMessage(string text) => "unknown signal " + GoStrings.Quote(text);

    public static bool TryParse(string text, out int signal)
    {
        signal = 0;
        if (text.Length == 0) return false;

        // Numbers first (runc uses Atoi): plain decimal with an optional sign, 0 (probe) up to 64.
        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int number))
        {
            if (number is < 0 or > Max) return false;
            signal = number;
            return true;
        }

        string name = text.ToUpperInvariant();
        if (!name.StartsWith("SIG", StringComparison.Ordinal)) name = "SIG" + name;
        if (ByName.TryGetValue(name, out signal)) return true;

        return TryParseRealtime(name, out signal);
    }

    /// <summary>"SIGRTMIN+n" and "SIGRTMAX-n", staying inside the real-time range.</summary>
    private static bool TryParseRealtime(string name, out int signal)
    {
        signal = 0;
        int baseNumber, direction;
        string rest;
        if (name.StartsWith("SIGRTMIN+", StringComparison.Ordinal)) { baseNumber = RtMin; direction = 1; rest = name[9..]; }
        else if (name.StartsWith("SIGRTMAX-", StringComparison.Ordinal)) { baseNumber = RtMax; direction = -1; rest = name[9..]; }
        else return false;

        if (rest.Length == 0 || rest.Length > 2) return false;
        foreach (char c in rest) if (!char.IsAsciiDigit(c)) return false;
        int offset = int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture);
        int result = baseNumber + direction * offset;
        if (result is < RtMin or > RtMax) return false;
        signal = result;
        return true;
    }

    /// <summary>The canonical name ("SIGKILL", "SIGRTMIN+3"), or null for an unknown number.</summary>
    public static string? NameOf(int signal)
    {
        if (signal == RtMin) return "SIGRTMIN";
        if (signal == RtMax) return "SIGRTMAX";
        if (signal is > RtMin and < RtMax) return "SIGRTMIN+" + (signal - RtMin);
        return signal is > 0 and < 32 ? CanonicalNames[signal] : null;
    }
}
