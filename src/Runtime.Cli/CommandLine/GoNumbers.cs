using System.Globalization;

namespace Runsharp.Cli.CommandLine;

/// <summary>
/// The number syntaxes runc's `update` flags take, with Go's error wording so scripts that match on it keep
/// working: strconv.ParseUint/ParseInt in base 10 and docker/go-units RAMInBytes ("512m", "1.5g", "100 KiB").
/// </summary>
public static class GoNumbers
{
    /// <summary>strconv.ParseUint(s, 10, 64): digits only, no sign, no underscores.</summary>
    public static bool TryParseUInt64(string s, out ulong value, out string error)
    {
        error = "";
        if (s.Length > 0 && s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
        {
            if (ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
            error = $"strconv.ParseUint: parsing \"{s}\": value out of range";
            return false;
        }
        value = 0;
        error = $"strconv.ParseUint: parsing \"{s}\": invalid syntax";
        return false;
    }

    /// <summary>strconv.ParseInt(s, 10, 64): an optional sign, then digits.</summary>
    public static bool TryParseInt64(string s, out long value, out string error)
    {
        error = "";
        var digits = s.Length > 0 && (s[0] == '+' || s[0] == '-') ? s.AsSpan(1) : s.AsSpan();
        if (digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0)
        {
            if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)) return true;
            error = $"strconv.ParseInt: parsing \"{s}\": value out of range";
            return false;
        }
        value = 0;
        error = $"strconv.ParseInt: parsing \"{s}\": invalid syntax";
        return false;
    }

    /// <summary>go-units' pattern ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$ by hand (a Regex would add half a
    /// megabyte to the binary). Returns the number part and the unit letter (' ' for none).</summary>
    static bool MatchSize(string s, out string number, out char unit)
    {
        number = "";
        unit = ' ';
        int i = 0;
        while (true)
        {
            int start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == start) return false;
            if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1])) { i++; continue; }
            break;
        }
        number = s[..i];
        if (i < s.Length && s[i] == ' ') i++;
        if (i < s.Length && "kKmMgGtTpP".Contains(s[i])) unit = char.ToLowerInvariant(s[i++]);
        if (i < s.Length && (s[i] == 'i' || s[i] == 'I')) i++;
        if (i < s.Length && (s[i] == 'b' || s[i] == 'B')) i++;
        return i == s.Length;
    }

    /// <summary>
    /// go-units RAMInBytes: a decimal number, an optional space, an optional k/m/g/t/p (case-insensitive, powers
    /// of 1024), an optional i and an optional b. The fraction is truncated after scaling ("1.5k" is 1536).
    /// Unlike Go, a size beyond a signed 64-bit integer is an error rather than a wrapped number.
    /// </summary>
    public static bool TryParseRamSize(string s, out long bytes, out string error)
    {
        bytes = -1;
        error = "";
        if (!MatchSize(s, out var number, out var unit))
        {
            error = $"invalid size: '{s}'";
            return false;
        }
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var size))
        {
            error = $"strconv.ParseFloat: parsing \"{number}\": invalid syntax";
            return false;
        }
        size *= unit switch
        {
            'k' => 1024d,
            'm' => 1024d * 1024,
            'g' => 1024d * 1024 * 1024,
            't' => 1024d * 1024 * 1024 * 1024,
            'p' => 1024d * 1024 * 1024 * 1024 * 1024,
            _ => 1d,
        };
        if (size >= 9223372036854775808d)
        {
            error = $"invalid size: '{s}' is larger than {long.MaxValue} bytes";
            return false;
        }
        bytes = (long)size;
        return true;
    }
}
