using System.Globalization;

namespace Runsharp.Cgroups.Stats;

/// <summary>Block IO counters: v1 blkio.* files (which set the kernel offers depends on its IO scheduler) and v2
/// io.stat, both into runc's v1-shaped tables.</summary>
internal static class BlkioStatsReader
{
    /// <summary>One table to fill and the file it comes from.</summary>
    readonly record struct Source(string File, Action<BlkioStats, List<BlkioEntry>> Set);

    static Source S(string file, Action<BlkioStats, List<BlkioEntry>> set) => new(file, set);

    // Tried in order, as runc does: BFQ with debug counters, BFQ, CFQ, throttle (recursive), throttle. The first
    // group whose first file has entries wins; within it, an empty later file ends the search.
    static readonly Source[][] V1Groups =
    [
        [
            S("blkio.bfq.sectors_recursive", (b, v) => b.SectorsRecursive = v),
            S("blkio.bfq.io_service_time_recursive", (b, v) => b.IoServiceTimeRecursive = v),
            S("blkio.bfq.io_wait_time_recursive", (b, v) => b.IoWaitTimeRecursive = v),
            S("blkio.bfq.io_merged_recursive", (b, v) => b.IoMergedRecursive = v),
            S("blkio.bfq.io_queued_recursive", (b, v) => b.IoQueuedRecursive = v),
            S("blkio.bfq.time_recursive", (b, v) => b.IoTimeRecursive = v),
            S("blkio.bfq.io_serviced_recursive", (b, v) => b.IoServicedRecursive = v),
            S("blkio.bfq.io_service_bytes_recursive", (b, v) => b.IoServiceBytesRecursive = v),
        ],
        [
            S("blkio.bfq.io_serviced_recursive", (b, v) => b.IoServicedRecursive = v),
            S("blkio.bfq.io_service_bytes_recursive", (b, v) => b.IoServiceBytesRecursive = v),
        ],
        [
            S("blkio.sectors_recursive", (b, v) => b.SectorsRecursive = v),
            S("blkio.io_service_time_recursive", (b, v) => b.IoServiceTimeRecursive = v),
            S("blkio.io_wait_time_recursive", (b, v) => b.IoWaitTimeRecursive = v),
            S("blkio.io_merged_recursive", (b, v) => b.IoMergedRecursive = v),
            S("blkio.io_queued_recursive", (b, v) => b.IoQueuedRecursive = v),
            S("blkio.time_recursive", (b, v) => b.IoTimeRecursive = v),
            S("blkio.io_serviced_recursive", (b, v) => b.IoServicedRecursive = v),
            S("blkio.io_service_bytes_recursive", (b, v) => b.IoServiceBytesRecursive = v),
        ],
        [
            S("blkio.throttle.io_serviced_recursive", (b, v) => b.IoServicedRecursive = v),
            S("blkio.throttle.io_service_bytes_recursive", (b, v) => b.IoServiceBytesRecursive = v),
        ],
        [
            S("blkio.throttle.io_serviced", (b, v) => b.IoServicedRecursive = v),
            S("blkio.throttle.io_service_bytes", (b, v) => b.IoServiceBytesRecursive = v),
        ],
    ];

    internal static void ReadV1(string dir, BlkioStats into)
    {
        foreach (var group in V1Groups)
        {
            for (int i = 0; i < group.Length; i++)
            {
                var entries = ReadV1File(dir, group[i].File);
                if (entries is null)
                {
                    if (i == 0)
                        break; // this scheduler's files are absent or idle: try the next group
                    return;
                }
                group[i].Set(into, entries);
                if (i == group.Length - 1)
                    return;
            }
        }
    }

    /// <summary>"8:0 Read 4096" or "8:0 4096" lines; the "Total N" line is skipped. Null when the file is missing
    /// or has no device lines.</summary>
    internal static List<BlkioEntry>? ReadV1File(string dir, string file)
    {
        if (StatFiles.ReadOptional(dir, file) is not { } text)
            return null;
        var list = new List<BlkioEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split([' ', ':'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3)
            {
                if (f.Length == 2 && f[0] == "Total")
                    continue;
                throw StatFiles.Malformed(dir, file, line);
            }
            var entry = new BlkioEntry { Major = Number(f[0], dir, file), Minor = Number(f[1], dir, file) };
            int valueField = 2;
            if (f.Length == 4)
            {
                entry.Op = f[2];
                valueField = 3;
            }
            entry.Value = Number(f[valueField], dir, file);
            list.Add(entry);
        }
        return list.Count == 0 ? null : list;
    }

    /// <summary>io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device. Bytes and ios map to
    /// runc's ioServiceBytesRecursive and ioServicedRecursive with Read/Write ops; the rest has no v1 twin.</summary>
    internal static void ReadV2(string dir, BlkioStats into)
    {
        if (StatFiles.ReadOptional(dir, "io.stat") is not { } text)
            return;
        var bytes = new List<BlkioEntry>();
        var ios = new List<BlkioEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var dev = fields[0].Split(':');
            if (dev.Length != 2)
                continue;
            ulong major = Number(dev[0], dir, "io.stat"), minor = Number(dev[1], dir, "io.stat");
            foreach (var item in fields.Skip(1))
            {
                var kv = item.Split('=');
                if (kv.Length != 2)
                    continue;
                var (table, op) = kv[0] switch
                {
                    "rbytes" => (bytes, "Read"),
                    "wbytes" => (bytes, "Write"),
                    "rios" => (ios, "Read"),
                    "wios" => (ios, "Write"),
                    _ => (null, ""),
                };
                table?.Add(new BlkioEntry { Major = major, Minor = minor, Op = op, Value = Number(kv[1], dir, "io.stat") });
            }
        }
        into.IoServiceBytesRecursive = V1StatsReader.NullIfEmpty(bytes);
        into.IoServicedRecursive = V1StatsReader.NullIfEmpty(ios);
    }

    static ulong Number(string s, string dir, string file) =>
        ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw StatFiles.Malformed(dir, file, s);
}
