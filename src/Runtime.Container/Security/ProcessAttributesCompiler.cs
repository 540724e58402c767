using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Security;

/// <summary>linux.personality, process.ioPriority and process.scheduler: one system call each, made by the init.</summary>
public static class ProcessAttributesCompiler
{
    private const long SysPersonality = 135, SysIoprioSet = 251, SysSchedSetattr = 314;

    public static void Compile(PlanBuilder plan, Spec.Spec spec)
    {
        if (spec.Linux?.Personality is { } p) CompilePersonality(plan, p);
        if (spec.Process?.IoPriority is { } io) CompileIoPriority(plan, io);
        if (spec.Process?.Scheduler is { } s) CompileScheduler(plan, s);
    }

    private static void CompilePersonality(PlanBuilder plan, LinuxPersonality p)
    {
        long domain = p.Domain switch
        {
            "LINUX" => 0x0000,
            "LINUX32" => 0x0008,
            _ => throw new ContainerException($"linux.personality.domain: unknown domain \"{p.Domain}\" (LINUX or LINUX32)"),
        };
        if (p.Flags is { Count: > 0 }) throw new ContainerException($"linux.personality.flags: no flags are defined, got \"{p.Flags[0]}\"");
        plan.Syscall($"unable to set personality {p.Domain} (linux.personality)", SysPersonality, domain);
    }

    private static void CompileIoPriority(PlanBuilder plan, LinuxIoPriority io)
    {
        long cls = io.Class switch
        {
            "IOPRIO_CLASS_RT" => 1,
            "IOPRIO_CLASS_BE" => 2,
            "IOPRIO_CLASS_IDLE" => 3,
            _ => throw new ContainerException($"process.ioPriority.class: unknown class \"{io.Class}\""),
        };
        if (io.Priority is < 0 or > 7) throw new ContainerException($"process.ioPriority.priority: {io.Priority} is out of range (0 to 7)");
        // ioprio_set(IOPRIO_WHO_PROCESS, 0 = this process, class << 13 | level)
        plan.Syscall($"unable to set the I/O priority {io.Class}/{io.Priority} (process.ioPriority)", SysIoprioSet, 1, 0, cls << 13 | (long)io.Priority);
    }

    private static void CompileScheduler(PlanBuilder plan, Scheduler s)
    {
        uint policy = s.Policy switch
        {
            "SCHED_OTHER" => 0, "SCHED_FIFO" => 1, "SCHED_RR" => 2, "SCHED_BATCH" => 3, "SCHED_ISO" => 4,
            "SCHED_IDLE" => 5, "SCHED_DEADLINE" => 6,
            _ => throw new ContainerException($"process.scheduler.policy: unknown policy \"{s.Policy}\""),
        };
        ulong flags = 0;
        for (int i = 0; i < (s.Flags?.Count ?? 0); i++)
        {
            flags |= s.Flags![i] switch
            {
                "SCHED_FLAG_RESET_ON_FORK" => 0x01UL, "SCHED_FLAG_RECLAIM" => 0x02UL, "SCHED_FLAG_DL_OVERRUN" => 0x04UL,
                "SCHED_FLAG_KEEP_POLICY" => 0x08UL, "SCHED_FLAG_KEEP_PARAMS" => 0x10UL,
                "SCHED_FLAG_UTIL_CLAMP_MIN" => 0x20UL, "SCHED_FLAG_UTIL_CLAMP_MAX" => 0x40UL,
                _ => throw new ContainerException($"process.scheduler.flags[{i}]: unknown flag \"{s.Flags[i]}\""),
            };
        }
        // struct sched_attr { u32 size; u32 policy; u64 flags; s32 nice; u32 priority; u64 runtime, deadline, period; }
        var attr = new byte[48];
        BitConverter.TryWriteBytes(attr.AsSpan(0), 48u);
        BitConverter.TryWriteBytes(attr.AsSpan(4), policy);
        BitConverter.TryWriteBytes(attr.AsSpan(8), flags);
        BitConverter.TryWriteBytes(attr.AsSpan(16), s.Nice);
        BitConverter.TryWriteBytes(attr.AsSpan(20), (uint)s.Priority);
        BitConverter.TryWriteBytes(attr.AsSpan(24), s.Runtime);
        BitConverter.TryWriteBytes(attr.AsSpan(32), s.Deadline);
        BitConverter.TryWriteBytes(attr.AsSpan(40), s.Period);
        plan.Syscall($"unable to set the scheduler {s.Policy} (process.scheduler)", SysSchedSetattr, 0, plan.Bytes(attr), 0);
    }
}
