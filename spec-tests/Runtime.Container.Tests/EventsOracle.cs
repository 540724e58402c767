using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Runsharp.Cgroups.Stats;
using Runsharp.Container.Monitoring;

namespace Runsharp.Container.Tests;

/// <summary>
/// The serializer `events` used before its hand-written writer (<see cref="EventShapes"/>): System.Text.Json's
/// source-generated context over the models' attributes. Kept here, out of the binary, as the oracle the writer is
/// compared with. Nothing is left out by default: runc prints "network_interfaces": null; the omitempty members
/// say so themselves.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(ContainerEvent))]
internal sealed partial class EventsJsonContext : JsonSerializerContext
{
    public static string Write(ContainerEvent e)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            JsonSerializer.Serialize(writer, e, Default.ContainerEvent);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>The events writer against the source-generated oracle, byte for byte, over every member and edge.</summary>
public class EventsOracleTests
{
    private static void Same(ContainerEvent e) => Assert.Equal(EventsJsonContext.Write(e), e.ToJson());

    [Fact]
    public void Empty_stats_and_oom_events_match_the_oracle()
    {
        Same(new ContainerEvent { Type = ContainerEvent.StatsType, Id = "c", Data = new CgroupStats() });
        Same(new ContainerEvent { Type = ContainerEvent.OomType, Id = "a+b é\"<>" });
    }

    [Fact]
    public void Every_member_set_matches_the_oracle()
    {
        var stats = new CgroupStats();
        stats.Cpu.Usage = new CpuUsage { Total = 1, PerCpu = [2, 3], PerCpuKernel = [], PerCpuUser = [0], Kernel = 4, User = 5 };
        stats.Cpu.Throttling = new CpuThrottling { Periods = 6, ThrottledPeriods = 7, ThrottledTime = 8 };
        stats.Cpuset = new CpusetStats
        {
            Cpus = [0, 1, 65535], CpuExclusive = 1, Mems = [], MemHardwall = 2, MemExclusive = 3, MemoryMigrate = 4,
            MemorySpreadPage = 5, MemorySpreadSlab = 6, MemoryPressure = 7, SchedLoadBalance = 8, SchedRelaxDomainLevel = long.MinValue,
        };
        stats.Memory = new MemoryStats
        {
            Cache = ulong.MaxValue,
            Usage = new MemoryEntry { Limit = 1, Usage = 2, Max = 3, Failcnt = 4 },
            Swap = new MemoryEntry { Usage = 9 },
            Kernel = new MemoryEntry(),
            KernelTcp = new MemoryEntry { Max = 1 },
            Raw = new Dictionary<string, ulong> { ["zz"] = 1, ["aa"] = 0, ["é"] = 2 },
        };
        stats.Pids = new PidsStats { Current = 3, Limit = 100 };
        var entries = new List<BlkioEntry> { new() { Major = 8, Minor = 1, Op = "Read", Value = 10 }, new() { Op = "" }, new() };
        stats.Blkio = new BlkioStats
        {
            IoServiceBytesRecursive = entries, IoServicedRecursive = [], IoQueuedRecursive = entries, IoServiceTimeRecursive = entries,
            IoWaitTimeRecursive = entries, IoMergedRecursive = entries, IoTimeRecursive = entries, SectorsRecursive = entries,
        };
        stats.Hugetlb["2MB"] = new HugetlbStats { Usage = 1, Max = 2, Failcnt = 3 };
        stats.Hugetlb["1GB"] = new HugetlbStats();
        stats.NetworkInterfaces =
        [
            new NetworkInterfaceStats { Name = "eth0", RxBytes = 1, RxPackets = 2, RxErrors = 3, RxDropped = 4, TxBytes = 5, TxPackets = 6, TxErrors = 7, TxDropped = 8 },
            new NetworkInterfaceStats(),
        ];
        Same(new ContainerEvent { Type = ContainerEvent.StatsType, Id = "full", Data = stats });
        stats.NetworkInterfaces = [];
        Same(new ContainerEvent { Type = ContainerEvent.StatsType, Id = "full", Data = stats });
    }
}
