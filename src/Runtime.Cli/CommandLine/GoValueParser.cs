namespace Runsharp.Cli.CommandLine;

/// <summary>
/// Value syntax of Go's flag package (strconv.ParseBool, strconv.ParseInt base 0, time.ParseDuration),
/// so values that go-runc and conmon format with Go parse here the same way.
/// </summary>
public static class GoValueParser
{
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text)
        {
            case "1": case "t": case "T": case "true": case "TRUE": case "True":
                value = true;
                return true;
            case "0": case "f": case "F": case "false": case "FALSE": case "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Go base-0 integer: optional sign, then 0x/0o/0b/leading-0 prefixes; '_' between digits.</summary>
    public static bool TryParseInt64(string text, out long value, out bool outOfRange)
    {
        value = 0;
        outOfRange = false;
        var s = text.AsSpan();
        if (s.IsEmpty) return false;

        bool negative = false;
        if (s[0] == '+' || s[0] == '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        int radix = 10;
        bool prefixed = false;
        if (s.Length >= 2 && s[0] == '0')
        {
            char p = char.ToLowerInvariant(s[1]);
            if (p == 'x') { radix = 16; s = s[2..]; prefixed = true; }
            else if (p == 'o') { radix = 8; s = s[2..]; prefixed = true; }
            else if (p == 'b') { radix = 2; s = s[2..]; prefixed = true; }
            else { radix = 8; s = s[1..]; prefixed = true; }
        }
        if (s.IsEmpty) return false;

        ulong magnitude = 0;
        bool sawDigit = false;
        char previous = prefixed ? '_' : '\0'; // Go allows "0x_1f": an underscore right after the prefix
        foreach (char c in s)
        {
            if (c == '_')
            {
                if (previous == '_' && sawDigit) return false;
                previous = c;
                continue;
            }
            int digit = DigitValue(c);
            if (digit < 0 || digit >= radix) return false;
            sawDigit = true;
            previous = c;
            if (magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                outOfRange = true;
                return false;
            }
            magnitude = magnitude * (ulong)radix + (ulong)digit;
        }
        if (!sawDigit || previous == '_') return false;

        ulong limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (magnitude > limit)
        {
            outOfRange = true;
            return false;
        }
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Go's time.ParseDuration: "300ms", "-1.5h", "2h45m", "0". Units ns, us, µs, ms, s, m, h.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan();
        bool negative = false;
        if (!s.IsEmpty && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.SequenceEqual("0")) return true;
        if (s.IsEmpty) return false;

        decimal totalNanos = 0;
        while (!s.IsEmpty)
        {
            int i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            int intDigits = i;
            int fracStart = -1, fracEnd = -1;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                fracStart = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                fracEnd = i;
            }
            bool anyDigits = intDigits > 0 || (fracStart >= 0 && fracEnd > fracStart);
            if (!anyDigits) return false;

            int unitStart = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i])) i++;
            var unit = s[unitStart..i];
            decimal unitNanos = UnitNanos(unit);
            if (unitNanos == 0) return false; // missing or unknown unit

            decimal number;
            try
            {
                number = intDigits > 0 ? decimal.Parse(s[..intDigits], provider: System.Globalization.CultureInfo.InvariantCulture) : 0;
                if (fracStart >= 0 && fracEnd > fracStart)
                {
                    var frac = s[fracStart..Math.Min(fracEnd, fracStart + 20)];
                    number += decimal.Parse(frac, provider: System.Globalization.CultureInfo.InvariantCulture) / Pow10(frac.Length);
                }
                totalNanos += number * unitNanos;
            }
            catch (OverflowException)
            {
                return false;
            }
            if (totalNanos > long.MaxValue) return false; // Go: "invalid duration" on overflow
            s = s[i..];
        }

        long ticks = (long)(totalNanos / 100m);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    private static decimal Pow10(int n)
    {
        decimal r = 1;
        for (int i = 0; i < n; i++) r *= 10;
        return r;
    }

    private static decimal UnitNanos(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m,
        "us" or "\u00b5s" or "\u03bcs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60m * 1_000_000_000m,
        "h" => 3600m * 1_000_000_000m,
        _ => 0m,
    };
}
