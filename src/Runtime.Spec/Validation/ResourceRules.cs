namespace Runsharp.Spec;

/// <summary>Shape checks on <c>linux.resources</c>; host-dependent ones (v1 vs v2) belong to the cgroup manager.</summary>
internal static class ResourceRules
{
    public static void Check(LinuxResources? resources, SpecValidationResult result)
    {
        if (resources is null) return;
        CheckDeviceRules(resources.Devices, result);

        if (resources.Memory is { } memory)
        {
            CheckMemoryValue(memory.Limit, "linux.resources.memory.limit", result);
            CheckMemoryValue(memory.Reservation, "linux.resources.memory.reservation", result);
            CheckMemoryValue(memory.Swap, "linux.resources.memory.swap", result);
            CheckMemoryValue(memory.KernelTCP, "linux.resources.memory.kernelTCP", result);
            // Docker has sent -1 as a uint64 (all bits set) to mean "unset"; runc tolerates it.
            if (memory.Swappiness is > 100 and not ulong.MaxValue)
            {
                result.Error("linux.resources.memory.swappiness", $"{memory.Swappiness} is out of range (0 to 100)");
            }
            if (memory.Limit is > 0 && memory.Swap is > 0 && memory.Swap < memory.Limit)
            {
                result.Error("linux.resources.memory.swap", $"{memory.Swap} is less than memory.limit {memory.Limit} (swap counts memory plus swap)");
            }
        }
        if (resources.Cpu is { } cpu)
        {
            if (cpu.Quota is < -1) result.Error("linux.resources.cpu.quota", $"{cpu.Quota} must be positive or -1");
            if (cpu.Idle is { } idle && idle is not (0 or 1)) result.Error("linux.resources.cpu.idle", $"{idle} must be 0 or 1");
        }
        if (resources.BlockIO is { } io)
        {
            // 10..1000 is the v1 range, 1..10000 v2's; allow the union and let the converter map it.
            // 0 means unset, as in runc.
            if (io.Weight is > 10000) result.Error("linux.resources.blockIO.weight", $"{io.Weight} is out of range (1 to 10000)");
        }
        for (int i = 0; resources.HugepageLimits is not null && i < resources.HugepageLimits.Count; i++)
        {
            if (resources.HugepageLimits[i] is { Pagesize: "" or null })
            {
                result.Error($"linux.resources.hugepageLimits[{i}].pageSize", "must be set");
            }
        }
        foreach (var (file, _) in resources.Unified ?? [])
        {
            if (file.Length == 0 || file.Contains('/') || file is "." or "..")
            {
                result.Error($"linux.resources.unified[{SpecValidator.Quote(file)}]", "must be a plain cgroup file name");
            }
        }
    }

    private static void CheckMemoryValue(long? value, string path, SpecValidationResult result)
    {
        if (value is < -1) result.Error(path, $"{value} is invalid (bytes, or -1 for unlimited)");
    }

    private static void CheckDeviceRules(List<LinuxDeviceCgroup>? rules, SpecValidationResult result)
    {
        if (rules is null) return;
        for (int i = 0; i < rules.Count; i++)
        {
            string path = $"linux.resources.devices[{i}]";
            var rule = rules[i];
            if (rule is null) { result.Error(path, "must be an object"); continue; }
            if (rule.Type is { Length: > 0 } type && type is not ("a" or "c" or "b"))
            {
                result.Error($"{path}.type", $"must be one of a, c, b, got {SpecValidator.Quote(type)}");
            }
            if (rule.Access is { Length: > 0 } access && access.Any(c => c is not ('r' or 'w' or 'm')))
            {
                result.Error($"{path}.access", $"must be made of r, w, m, got {SpecValidator.Quote(access)}");
            }
            if (rule.Major is < -1) result.Error($"{path}.major", $"{rule.Major} is invalid");
            if (rule.Minor is < -1) result.Error($"{path}.minor", $"{rule.Minor} is invalid");
        }
    }
}
