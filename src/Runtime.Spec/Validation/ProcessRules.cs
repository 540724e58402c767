namespace Runsharp.Spec;

/// <summary>Rules for <c>process</c>, shared by create and exec.</summary>
internal static class ProcessRules
{
    public static void Check(Process process, string path, SpecValidationResult result)
    {
        if (process.Args is not { Count: > 0 })
        {
            result.Error(Member(path, "args"), "must not be empty");
        }
        else
        {
            if (string.IsNullOrEmpty(process.Args[0])) result.Error(Member(path, "args[0]"), "must not be empty");
            // JSON null inside the array survives parsing (nullability is not enforced on elements).
            for (int i = 1; i < process.Args.Count; i++)
            {
                if (process.Args[i] is null) result.Error(Member(path, $"args[{i}]"), "must be a string, got null");
            }
        }

        if (!process.UserGiven) result.Error(Member(path, "user"), "must be set (uid and gid)");
        if (string.IsNullOrEmpty(process.Cwd)) result.Error(Member(path, "cwd"), "must be set");
        else if (!SpecValidator.IsAbsolute(process.Cwd)) result.Error(Member(path, "cwd"), $"must be an absolute path, got {SpecValidator.Quote(process.Cwd)}");

        CheckEnv(process.Env, Member(path, "env"), result);
        CheckCapabilities(process.Capabilities, Member(path, "capabilities"), result);
        CheckRlimits(process.Rlimits, Member(path, "rlimits"), result);

        if (process.OomScoreAdj is < -1000 or > 1000)
        {
            result.Error(Member(path, "oomScoreAdj"), $"{process.OomScoreAdj} is out of range (-1000 to 1000)");
        }
        if (process.ConsoleSize is not null && !process.Terminal)
        {
            // runc ignores it too; only worth a word.
            result.Warn(Member(path, "consoleSize"), "ignored without terminal");
        }
        CheckIoPriority(process.IoPriority, Member(path, "ioPriority"), result);
        CheckScheduler(process.Scheduler, Member(path, "scheduler"), result);
    }

    /// <summary>"process" + "args" is "process.args"; an empty prefix gives just "args".</summary>
    private static string Member(string path, string member) => path.Length == 0 ? member : $"{path}.{member}";

    internal static void CheckEnv(List<string>? env, string path, SpecValidationResult result)
    {
        if (env is null) return;
        for (int i = 0; i < env.Count; i++)
        {
            string entry = env[i] ?? "";
            int eq = entry.IndexOf('=');
            if (eq < 0) result.Error($"{path}[{i}]", $"expected KEY=value, got {SpecValidator.Quote(entry)}");
            else if (eq == 0) result.Error($"{path}[{i}]", $"empty variable name in {SpecValidator.Quote(entry)}");
            else if (entry.Contains('\0')) result.Error($"{path}[{i}]", "contains a NUL byte");
        }
    }

    private static void CheckCapabilities(LinuxCapabilities? caps, string path, SpecValidationResult result)
    {
        if (caps is null) return;
        CheckCapabilitySet(caps.Bounding, $"{path}.bounding", result);
        CheckCapabilitySet(caps.Effective, $"{path}.effective", result);
        CheckCapabilitySet(caps.Inheritable, $"{path}.inheritable", result);
        CheckCapabilitySet(caps.Permitted, $"{path}.permitted", result);
        CheckCapabilitySet(caps.Ambient, $"{path}.ambient", result);
    }

    private static void CheckCapabilitySet(List<string>? set, string path, SpecValidationResult result)
    {
        if (set is null) return;
        for (int i = 0; i < set.Count; i++)
        {
            string name = set[i] ?? "";
            if (CapabilityNames.TryGetNumber(name, out _)) continue;
            // runtime-spec >= 1.1: a capability that cannot be mapped to the kernel is logged as a warning and
            // not granted (runc and crun do the same); only a string that cannot be a capability name fails.
            if (CapabilityNames.IsWellFormed(name))
                result.Warn($"{path}[{i}]", $"unknown capability {SpecValidator.Quote(name)} ignored");
            else
                result.Error($"{path}[{i}]", $"{SpecValidator.Quote(name)} is not a capability name (CAP_ followed by upper-case letters, digits or _)");
        }
    }

    private static void CheckRlimits(List<PosixRlimit>? rlimits, string path, SpecValidationResult result)
    {
        if (rlimits is null) return;
        var seen = new HashSet<string>();
        for (int i = 0; i < rlimits.Count; i++)
        {
            var limit = rlimits[i];
            if (limit is null) { result.Error($"{path}[{i}]", "must be an object"); continue; }
            if (!RlimitNames.TryGetNumber(limit.Type, out _))
            {
                result.Error($"{path}[{i}].type", $"unknown rlimit {SpecValidator.Quote(limit.Type)}");
            }
            else if (!seen.Add(limit.Type))
            {
                result.Error($"{path}[{i}].type", $"duplicate rlimit {limit.Type}");
            }
            if (limit.Soft > limit.Hard)
            {
                result.Error($"{path}[{i}]", $"soft limit {limit.Soft} is greater than hard limit {limit.Hard}");
            }
        }
    }

    private static void CheckIoPriority(LinuxIoPriority? io, string path, SpecValidationResult result)
    {
        if (io is null) return;
        if (io.Class is not ("IOPRIO_CLASS_RT" or "IOPRIO_CLASS_BE" or "IOPRIO_CLASS_IDLE"))
        {
            result.Error($"{path}.class", $"unknown class {SpecValidator.Quote(io.Class)}");
        }
        if (io.Priority is < 0 or > 7)
        {
            result.Error($"{path}.priority", $"{io.Priority} is out of range (0 to 7)");
        }
    }

    private static readonly string[] SchedulerPolicies =
        ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];

    private static readonly string[] SchedulerFlags =
    [
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
    ];

    private static void CheckScheduler(Scheduler? s, string path, SpecValidationResult result)
    {
        if (s is null) return;
        if (string.IsNullOrEmpty(s.Policy))
        {
            result.Error($"{path}.policy", "must be set");
            return;
        }
        if (!SchedulerPolicies.Contains(s.Policy))
        {
            result.Error($"{path}.policy", $"unknown policy {SpecValidator.Quote(s.Policy)}");
            return;
        }
        if (s.Policy is ("SCHED_OTHER" or "SCHED_BATCH") && s.Nice is (< -20 or > 19))
        {
            result.Error($"{path}.nice", $"{s.Nice} is out of range (-20 to 19)");
        }
        if (s.Priority != 0 && s.Policy is not ("SCHED_FIFO" or "SCHED_RR"))
        {
            result.Error($"{path}.priority", "only allowed with SCHED_FIFO or SCHED_RR");
        }
        if (s.Policy != "SCHED_DEADLINE" && (s.Runtime != 0 || s.Deadline != 0 || s.Period != 0))
        {
            result.Error(path, "runtime, deadline and period are only allowed with SCHED_DEADLINE");
        }
        for (int i = 0; s.Flags is not null && i < s.Flags.Count; i++)
        {
            if (!SchedulerFlags.Contains(s.Flags[i]))
            {
                result.Error($"{path}.flags[{i}]", $"unknown flag {SpecValidator.Quote(s.Flags[i] ?? "")}");
            }
        }
    }
}
