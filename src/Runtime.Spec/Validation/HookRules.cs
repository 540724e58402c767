namespace Runsharp.Spec;

/// <summary>Rules for <c>hooks</c>.</summary>
internal static class HookRules
{
    public static void Check(Hooks? hooks, SpecValidationResult result)
    {
        if (hooks is null) return;
        CheckList(hooks.Prestart, "hooks.prestart", result);
        CheckList(hooks.CreateRuntime, "hooks.createRuntime", result);
        CheckList(hooks.CreateContainer, "hooks.createContainer", result);
        CheckList(hooks.StartContainer, "hooks.startContainer", result);
        CheckList(hooks.Poststart, "hooks.poststart", result);
        CheckList(hooks.Poststop, "hooks.poststop", result);
    }

    private static void CheckList(List<Hook>? list, string path, SpecValidationResult result)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            var hook = list[i];
            if (hook is null) { result.Error($"{path}[{i}]", "must be an object"); continue; }
            if (string.IsNullOrEmpty(hook.Path)) result.Error($"{path}[{i}].path", "must be set");
            else if (!SpecValidator.IsAbsolute(hook.Path)) result.Error($"{path}[{i}].path", $"must be an absolute path, got {SpecValidator.Quote(hook.Path)}");
            if (hook.Timeout is <= 0) result.Error($"{path}[{i}].timeout", $"must be positive, got {hook.Timeout}");
            ProcessRules.CheckEnv(hook.Env, $"{path}[{i}].env", result);
        }
    }
}
