namespace Runsharp.Spec;

/// <summary>
/// Checks a parsed spec before anything is created. Unlike runc, which stops at the first problem,
/// it reports every problem, each prefixed with its spec path. Host-dependent checks (is SELinux on,
/// does the kernel have time namespaces) belong to the engine, not here.
/// </summary>
public static class SpecValidator
{
    /// <summary>Errors only; see <see cref="Check"/> for warnings too.</summary>
    public static IReadOnlyList<string> Validate(Spec spec, string? bundleDir, bool requireProcess = true) =>
        Check(spec, bundleDir, requireProcess).Errors;

    /// <summary>
    /// Validates the whole config. <paramref name="bundleDir"/>, when given, is used to check that
    /// root.path exists and is a directory. <paramref name="requireProcess"/> is true for create/run.
    /// </summary>
    public static SpecValidationResult Check(Spec spec, string? bundleDir, bool requireProcess = true)
    {
        var result = new SpecValidationResult();
        CheckVersion(spec, result);
        CheckRoot(spec, bundleDir, result);
        if (spec.Process is null)
        {
            if (requireProcess) result.Error("process", "must be set");
        }
        else
        {
            ProcessRules.Check(spec.Process, "process", result);
        }
        MountRules.Check(spec, result);
        HookRules.Check(spec.Hooks, result);
        LinuxRules.Check(spec, result);
        return result;
    }

    /// <summary>Validates the process of <c>exec</c>; <paramref name="path"/> prefixes the messages.</summary>
    public static IReadOnlyList<string> ValidateProcess(Process process, string path = "process")
    {
        var result = new SpecValidationResult();
        ProcessRules.Check(process, path, result);
        return result.Errors;
    }

    private static void CheckVersion(Spec spec, SpecValidationResult result)
    {
        string version = spec.OciVersion;
        if (string.IsNullOrEmpty(version))
        {
            result.Error("ociVersion", "must be set");
            return;
        }
        // Any 1.x is accepted, including pre-releases like 1.0.0-rc5 and "+dev" builds.
        int dot = version.IndexOf('.');
        if (dot <= 0 || version[..dot] != "1" || dot + 1 >= version.Length || !char.IsAsciiDigit(version[dot + 1]))
        {
            result.Error("ociVersion", $"unsupported version \"{version}\" (expected 1.x)");
        }
    }

    private static void CheckRoot(Spec spec, string? bundleDir, SpecValidationResult result)
    {
        if (spec.Root is null || string.IsNullOrEmpty(spec.Root.Path))
        {
            result.Error("root.path", "must be set");
            return;
        }
        if (bundleDir is null) return;
        string rootfs = Path.Combine(bundleDir, spec.Root.Path);
        if (Directory.Exists(rootfs)) return;
        result.Error("root.path", File.Exists(rootfs)
            ? $"{rootfs}: not a directory"
            : $"{rootfs}: no such file or directory");
    }

    internal static bool IsAbsolute(string? path) => path is { Length: > 0 } && path[0] == '/';

    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
