using System.Globalization;

namespace Runsharp.Cgroups.Stats;

/// <summary>Reading and parsing cgroup statistics files the way runc does, so the numbers match its output:
/// "max" is ulong.MaxValue, a negative number is 0, "key value" lines are split on one space.</summary>
internal static class StatFiles
{
    /// <summary>The file's text, or null when it does not exist (an optional file or an absent controller);
    /// any other error throws.</summary>
    internal static string? ReadOptional(string dir, string file)
    {
        var text = Runsharp.Linux.Posix.TryReadText(Path.Combine(dir, file), out int errno);
        if (text is not null)
            return text;
        if (errno == CgroupErrors.ENOENT)
            return null;
        throw new CgroupException($"unable to read '{file}' in {dir}: {CgroupErrors.Text(errno)}", errno);
    }

    internal static string Read(string dir, string file) =>
        ReadOptional(dir, file) ?? throw new CgroupException($"unable to read '{file}' in {dir}: {CgroupErrors.Text(CgroupErrors.ENOENT)}", CgroupErrors.ENOENT);

    /// <summary>A one-number file; "max" is ulong.MaxValue.</summary>
    internal static ulong ReadUInt(string dir, string file) => ParseUInt(Read(dir, file).Trim(), dir, file);

    internal static ulong? ReadUIntOptional(string dir, string file) =>
        ReadOptional(dir, file) is { } text ? ParseUInt(text.Trim(), dir, file) : null;

    /// <summary>A signed one-number file ("max" is long.MaxValue); null when absent.</summary>
    internal static long? ReadIntOptional(string dir, string file)
    {
        if (ReadOptional(dir, file) is not { } text)
            return null;
        text = text.Trim();
        if (text == "max")
            return long.MaxValue;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Malformed(dir, file, text);
    }

    /// <summary>runc's ParseUint: decimal digits, "max" as the largest value, and any negative number (the kernel
    /// prints -1 for "unset" in some files) as 0.</summary>
    internal static ulong ParseUInt(string text, string dir, string file)
    {
        if (text == "max")
            return ulong.MaxValue;
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            return v;
        if (text.Length > 1 && text[0] == '-' && text.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0)
            return 0;
        throw Malformed(dir, file, text);
    }

    /// <summary>"name value" lines (memory.stat, cpu.stat); a line with another shape is an error, an empty
    /// line is skipped.</summary>
    internal static IEnumerable<(string Key, ulong Value)> KeyValues(string text, string dir, string file)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
                continue;
            var parts = line.Split(' ');
            if (parts.Length != 2)
                throw Malformed(dir, file, line);
            yield return (parts[0], ParseUInt(parts[1], dir, file));
        }
    }

    /// <summary>The value of one key in a "name value" file; 0 when the key is absent, null when the file is.</summary>
    internal static ulong? ValueByKey(string dir, string file, string key)
    {
        if (ReadOptional(dir, file) is not { } text)
            return null;
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == key)
                return ParseUInt(parts[1], dir, file);
        }
        return 0;
    }

    /// <summary>Numbers separated by white space (cpuacct.usage_percpu).</summary>
    internal static List<ulong> Numbers(string text, string dir, string file) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(s => ParseUInt(s, dir, file)).ToList();

    /// <summary>A cpuset list ("0-3,8"), expanded; null for an empty file.</summary>
    internal static List<ushort>? CpuList(string text, string dir, string file)
    {
        text = text.Trim();
        if (text.Length == 0)
            return null;
        var list = new List<ushort>();
        foreach (var part in text.Split(','))
        {
            var range = part.Split('-');
            if (range.Length > 2 || !ushort.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first))
                throw Malformed(dir, file, text);
            ushort last = first;
            if (range.Length == 2 && (!ushort.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out last) || last < first))
                throw Malformed(dir, file, text);
            for (int i = first; i <= last; i++)
                list.Add((ushort)i);
        }
        return list;
    }

    /// <summary>The same entries inserted in key order. Go prints map keys sorted; a Dictionary that never had a
    /// removal enumerates in insertion order, which is cheaper in the binary than a SortedDictionary.</summary>
    /// <summary>A "key value" file such as memory.stat as a map, or null when the file is absent.</summary>
    internal static Dictionary<string, ulong>? KeyValueMap(string dir, string file)
    {
        if (ReadOptional(dir, file) is not { } text) return null;
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (key, value) in KeyValues(text, dir, file)) map[key] = value;
        return map;
    }

    internal static Dictionary<string, T> SortedByKey<T>(Dictionary<string, T> map)
    {
        var sorted = new Dictionary<string, T>(map.Count, StringComparer.Ordinal);
        foreach (var key in map.Keys.Order(StringComparer.Ordinal))
            sorted[key] = map[key];
        return sorted;
    }

    internal static CgroupException Malformed(string dir, string file, string text) =>
        new($"unable to parse '{file}' in {dir}: unexpected content '{text.Trim()}'");

    /// <summary>Huge page sizes the kernel supports, as cgroup file names spell them ("2MB", "1GB"), from
    /// /sys/kernel/mm/hugepages/hugepages-&lt;N&gt;kB.</summary>
    internal static IReadOnlyList<string> HugePageSizes(string sysDir = "/sys/kernel/mm/hugepages")
    {
        string[] entries;
        try
        {
            entries = Directory.GetDirectories(sysDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var sizes = new List<string>();
        foreach (var entry in entries.Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (entry is null || !entry.StartsWith("hugepages-", StringComparison.Ordinal) || !entry.EndsWith("kB", StringComparison.Ordinal))
                continue;
            if (!ulong.TryParse(entry.AsSpan(10, entry.Length - 12), NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                continue;
            sizes.Add(PageSizeName(kb));
        }
        return sizes;
    }

    /// <summary>The kernel's hugetlb cgroup spelling of a page size given in KiB.</summary>
    internal static string PageSizeName(ulong kb) =>
        kb >= 1 << 20 ? $"{kb >> 20}GB" : kb >= 1 << 10 ? $"{kb >> 10}MB" : $"{kb}KB";
}
