using Runsharp.Container.Update;
using Runsharp.Spec;

namespace Runsharp.Container.Tests;

/// <summary>What an update writes and saves (runc 1.1 update.go semantics, plus the extra members we apply).</summary>
public class ResourceMergeTests
{
    static LinuxResources Current() => new()
    {
        Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }],
        Memory = new LinuxMemory { Limit = 100 << 20, Swap = 200 << 20, Swappiness = 10 },
        Cpu = new LinuxCpu { Shares = 1024, Quota = 50000, Period = 100000, Cpus = "0-1" },
        Pids = new LinuxPids { Limit = 42 },
        BlockIO = new LinuxBlockIO { ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 1000 }] },
    };

    /// <summary>What `runc update` builds before it reads any flag: zeros everywhere.</summary>
    static LinuxResources ZeroRequest() => new()
    {
        Memory = new LinuxMemory { Limit = 0, Reservation = 0, Swap = 0, Kernel = 0, KernelTCP = 0 },
        Cpu = new LinuxCpu { Shares = 0, Quota = 0, Period = 0, RealtimeRuntime = 0, RealtimePeriod = 0, Cpus = "", Mems = "" },
        BlockIO = new LinuxBlockIO { Weight = 0 },
        Pids = new LinuxPids { Limit = 0 },
    };

    [Fact]
    public void Zeros_and_empty_strings_change_nothing()
    {
        var plan = ResourceMerge.Plan(Current(), ZeroRequest());
        Assert.True(ResourceMerge.IsEmpty(plan.Apply));
        Assert.Equal(42, plan.Merged.Pids!.Limit);
        Assert.Equal(100 << 20, plan.Merged.Memory!.Limit);
        Assert.Empty(plan.Ignored);
    }

    [Fact]
    public void Only_the_requested_values_are_written_and_the_rest_is_kept()
    {
        var request = ZeroRequest();
        request.Memory!.Limit = 300 << 20;
        request.Pids!.Limit = 7;
        var plan = ResourceMerge.Plan(Current(), request);

        Assert.Equal(300 << 20, plan.Apply.Memory!.Limit);
        Assert.Null(plan.Apply.Memory.Swap); // the kernel (v1) or the v2 conversion judges memory without the old swap, as in runc
        Assert.Null(plan.Apply.Memory.Swappiness);
        Assert.Null(plan.Apply.Cpu);
        Assert.Null(plan.Apply.Devices);
        Assert.Equal(7, plan.Apply.Pids!.Limit);

        Assert.Equal(300 << 20, plan.Merged.Memory!.Limit);
        Assert.Equal(200 << 20, plan.Merged.Memory.Swap);
        Assert.Equal(10UL, plan.Merged.Memory.Swappiness);
        Assert.Equal(1024UL, plan.Merged.Cpu!.Shares);
        Assert.Single(plan.Merged.Devices!);
    }

    [Theory]
    [InlineData(20000L, 0UL, 20000L, 100000UL)]
    [InlineData(0L, 250000UL, 50000L, 250000UL)]
    [InlineData(-1L, 0UL, -1L, 100000UL)]
    [InlineData(30000L, 60000UL, 30000L, 60000UL)]
    public void A_quota_or_period_alone_is_written_with_the_current_other_half(long quota, ulong period, long wantQuota, ulong wantPeriod)
    {
        var request = ZeroRequest();
        request.Cpu!.Quota = quota;
        request.Cpu.Period = period;
        var plan = ResourceMerge.Plan(Current(), request);
        Assert.Equal((wantQuota, wantPeriod), (plan.Apply.Cpu!.Quota, plan.Apply.Cpu.Period));
        Assert.Equal((wantQuota, wantPeriod), (plan.Merged.Cpu!.Quota, plan.Merged.Cpu.Period));
        Assert.Null(plan.Apply.Cpu.Shares);
    }

    [Fact]
    public void A_quota_alone_without_a_saved_period_is_written_alone()
    {
        var request = ZeroRequest();
        request.Cpu!.Quota = 20000;
        var plan = ResourceMerge.Plan(null, request);
        Assert.Equal(20000, plan.Apply.Cpu!.Quota);
        Assert.Null(plan.Apply.Cpu.Period);
    }

    [Fact]
    public void Kernel_memory_and_devices_are_ignored_and_named()
    {
        var request = ZeroRequest();
        request.Memory!.Kernel = 1 << 20;
        request.Memory.KernelTCP = 1 << 20;
        request.Devices = [new LinuxDeviceCgroup { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rwm" }];
        var plan = ResourceMerge.Plan(Current(), request);
        Assert.True(ResourceMerge.IsEmpty(plan.Apply));
        Assert.Equal(["memory.kernel", "memory.kernelTCP", "devices"], plan.Ignored);
        Assert.Single(plan.Merged.Devices!); // the saved rules are not replaced
    }

    [Fact]
    public void Throttles_replace_the_same_device_and_keep_the_others()
    {
        var request = new LinuxResources
        {
            BlockIO = new LinuxBlockIO
            {
                ThrottleReadBpsDevice =
                [
                    new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 5000 },
                    new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 7000 },
                ],
            },
        };
        var plan = ResourceMerge.Plan(Current(), request);
        Assert.Equal(2, plan.Apply.BlockIO!.ThrottleReadBpsDevice!.Count);
        Assert.Equal(["8:0=5000", "8:16=7000"], plan.Merged.BlockIO!.ThrottleReadBpsDevice!.Select(d => $"{d.Major}:{d.Minor}={d.Rate}"));
    }

    [Fact]
    public void Members_beyond_runc_11_are_applied_and_saved()
    {
        var request = new LinuxResources
        {
            Memory = new LinuxMemory { Swappiness = 60, CheckBeforeUpdate = true },
            HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 4 << 20 }],
            Unified = new Dictionary<string, string> { ["memory.high"] = "max" },
            Cpu = new LinuxCpu { Idle = 1 },
        };
        var plan = ResourceMerge.Plan(Current(), request);
        Assert.Equal(60UL, plan.Apply.Memory!.Swappiness);
        Assert.True(plan.Apply.Memory.CheckBeforeUpdate);
        Assert.Equal("2MB", plan.Apply.HugepageLimits!.Single().Pagesize);
        Assert.Equal("max", plan.Merged.Unified!["memory.high"]);
        Assert.Equal(1, plan.Merged.Cpu!.Idle);
        Assert.Equal("0-1", plan.Merged.Cpu.Cpus);
    }

    [Fact]
    public void The_saved_resources_never_share_objects_with_the_request_or_the_old_record()
    {
        var current = Current();
        var request = ZeroRequest();
        request.Memory!.Limit = 1 << 30;
        var plan = ResourceMerge.Plan(current, request);
        Assert.Equal(100 << 20, current.Memory!.Limit);
        Assert.NotSame(current.Memory, plan.Merged.Memory);
    }
}
