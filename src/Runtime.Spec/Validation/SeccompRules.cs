namespace Runsharp.Spec;

/// <summary>Name checks on <c>linux.seccomp</c>; whether libseccomp knows a syscall is checked when the filter is built.</summary>
internal static class SeccompRules
{
    public static void Check(LinuxSeccomp? seccomp, SpecValidationResult result)
    {
        if (seccomp is null) return;
        const string Root = "linux.seccomp";
        if (string.IsNullOrEmpty(seccomp.DefaultAction))
        {
            result.Error($"{Root}.defaultAction", "must be set");
        }
        else if (!SeccompNames.Actions.Contains(seccomp.DefaultAction))
        {
            result.Error($"{Root}.defaultAction", $"unknown action {SpecValidator.Quote(seccomp.DefaultAction)}");
        }
        else if (seccomp.DefaultAction == "SCMP_ACT_NOTIFY")
        {
            // The listener would have to answer every syscall, including the ones it needs itself.
            result.Error($"{Root}.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
        }
        CheckNames(seccomp.Architectures, SeccompNames.Architectures, $"{Root}.architectures", "architecture", result);
        CheckNames(seccomp.Flags, SeccompNames.Flags, $"{Root}.flags", "flag", result);

        bool notify = false;
        for (int i = 0; seccomp.Syscalls is not null && i < seccomp.Syscalls.Count; i++)
        {
            string path = $"{Root}.syscalls[{i}]";
            var rule = seccomp.Syscalls[i];
            if (rule is null) { result.Error(path, "must be an object"); continue; }
            if (rule.Names is not { Count: > 0 }) result.Error($"{path}.names", "must not be empty");
            if (!SeccompNames.Actions.Contains(rule.Action))
            {
                result.Error($"{path}.action", $"unknown action {SpecValidator.Quote(rule.Action)}");
            }
            notify |= rule.Action == "SCMP_ACT_NOTIFY";
            for (int j = 0; rule.Args is not null && j < rule.Args.Count; j++)
            {
                var arg = rule.Args[j];
                if (arg is null) { result.Error($"{path}.args[{j}]", "must be an object"); continue; }
                if (arg.Index > 5) result.Error($"{path}.args[{j}].index", $"{arg.Index} is out of range (0 to 5)");
                if (!SeccompNames.Operators.Contains(arg.Op))
                {
                    result.Error($"{path}.args[{j}].op", $"unknown operator {SpecValidator.Quote(arg.Op)}");
                }
            }
        }
        if (notify && string.IsNullOrEmpty(seccomp.ListenerPath))
        {
            result.Error($"{Root}.listenerPath", "must be set when a rule uses SCMP_ACT_NOTIFY");
        }
    }

    private static void CheckNames(List<string>? values, IReadOnlyList<string> known, string path, string what, SpecValidationResult result)
    {
        for (int i = 0; values is not null && i < values.Count; i++)
        {
            if (!known.Contains(values[i]))
            {
                result.Error($"{path}[{i}]", $"unknown {what} {SpecValidator.Quote(values[i] ?? "")}");
            }
        }
    }
}
