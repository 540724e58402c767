namespace Runsharp.Cgroups.Tests;

public class ConverterTests
{
    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(1UL, 1UL)]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]
    [InlineData(512UL, 20UL)]
    [InlineData(262144UL, 10000UL)]
    [InlineData(1000000UL, 10000UL)]
    public void Shares_to_weight_is_runcs_linear_map(ulong shares, ulong weight) =>
        Assert.Equal(weight, CgroupConverters.SharesToWeight(shares));

    [Theory]
    [InlineData(-1L, "max")]
    [InlineData(0L, "max")]
    [InlineData(100L, "100")]
    public void Pids_max(long limit, string expected) => Assert.Equal(expected, CgroupConverters.PidsMax(limit));

    [Theory]
    [InlineData(-1L, "max")]
    [InlineData(0L, "0")]
    [InlineData(1073741824L, "1073741824")]
    public void V2_limit(long value, string expected) => Assert.Equal(expected, CgroupConverters.V2Limit(value));

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(null, 1000L, null)]
    [InlineData(0L, 1000L, null)]
    [InlineData(2000L, 1000L, 1000L)]
    [InlineData(1000L, 1000L, 0L)]
    [InlineData(-1L, 1000L, -1L)]
    [InlineData(null, -1L, -1L)]
    [InlineData(-1L, -1L, -1L)]
    public void Swap_to_v2_is_swap_minus_memory(long? swap, long? memory, long? expected) =>
        Assert.Equal(expected, CgroupConverters.SwapToV2(swap, memory));

    [Theory]
    [InlineData(1000L, null, "unable to set swap limit without memory limit")]
    [InlineData(1000L, -1L, "unable to set swap limit without memory limit")]
    [InlineData(500L, 1000L, "invalid memory swap limit 500: it must be >= the memory limit 1000")]
    public void Swap_to_v2_errors(long? swap, long? memory, string message) =>
        Assert.Equal(message, Assert.Throws<CgroupException>(() => CgroupConverters.SwapToV2(swap, memory)).Message);

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(0L, 0UL, null)]
    [InlineData(50000L, 100000UL, "50000 100000")]
    [InlineData(-1L, 100000UL, "max 100000")]
    [InlineData(null, 100000UL, "max 100000")]
    [InlineData(50000L, null, "50000")]
    [InlineData(-1L, null, "max")]
    public void Cpu_max(long? quota, ulong? period, string? expected) =>
        Assert.Equal(expected, CgroupConverters.CpuMax(quota, period));
}
