using System.Text.Json;

namespace Runsharp.Cli.Configuration;

/// <summary>
/// Finds and reads runtime.config.json. The first of these that exists is used:
/// <c>$RUNSHARP_CONFIG</c>, <c>/etc/runsharp/runtime.config.json</c>, the file beside the executable.
/// A missing file is not an error (built-in defaults apply), except that a file named explicitly by
/// <c>$RUNSHARP_CONFIG</c> must exist. A malformed file is an error naming the file and JSON path.
/// </summary>
public static class RuntimeConfigLoader
{
    public const string EnvironmentVariable = "RUNSHARP_CONFIG";
    public const string SystemPath = "/etc/runsharp/runtime.config.json";
    public const string FileName = "runtime.config.json";

    /// <exception cref="RuntimeConfigException"/>
    public static RuntimeConfig Load()
        => Load(Environment.GetEnvironmentVariable(EnvironmentVariable), SystemPath, Path.Combine(AppContext.BaseDirectory, FileName));

    /// <summary>The search with explicit locations, for tests.</summary>
    /// <exception cref="RuntimeConfigException"/>
    public static RuntimeConfig Load(string? environmentPath, string systemPath, string besideExecutablePath)
    {
        if (!string.IsNullOrEmpty(environmentPath))
        {
            return TryRead(environmentPath, out var fromEnvironment)
                ? fromEnvironment
                : throw new RuntimeConfigException($"runtime config {environmentPath} (from ${EnvironmentVariable}): no such file or directory");
        }
        if (TryRead(systemPath, out var system)) return system;
        if (TryRead(besideExecutablePath, out var beside)) return beside;
        return RuntimeConfig.Empty;
    }

    private static bool TryRead(string path, out RuntimeConfig config)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            config = RuntimeConfig.Empty;
            return false;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RuntimeConfigException($"runtime config {path}: open {path}: permission denied", e);
        }
        catch (IOException e)
        {
            throw new RuntimeConfigException($"runtime config {path}: {Logging.ErrorText.Describe(e)}", e);
        }
        config = Parse(bytes, path);
        return true;
    }

    /// <exception cref="RuntimeConfigException"/>
    public static RuntimeConfig Parse(ReadOnlySpan<byte> json, string sourcePath)
    {
        RuntimeConfig? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(json, RuntimeConfigJsonContext.Default.RuntimeConfig);
        }
        catch (JsonException e)
        {
            // The JsonException itself is not kept as the inner exception: its text repeats ours and names .NET types.
            string where = e.Path ?? "$";
            string line = e.LineNumber is long n ? $" (line {n + 1})" : "";
            throw new RuntimeConfigException($"runtime config {sourcePath}: invalid JSON at {where}{line}: {Reason(e)}");
        }
        if (parsed is null)
            throw new RuntimeConfigException($"runtime config {sourcePath}: invalid JSON at $: expected an object, got null");

        Validate(parsed, sourcePath);
        return parsed with { SourcePath = sourcePath };
    }

    private static void Validate(RuntimeConfig config, string sourcePath)
    {
        Check(config.LogLevel, "$.logLevel", sourcePath, "debug", "info", "warning", "error");
        Check(config.LogFormat, "$.logFormat", sourcePath, "text", "json");
        Check(config.CgroupDriver, "$.cgroupDriver", sourcePath, "cgroupfs", "systemd");
        Check(config.Rootless, "$.rootless", sourcePath, "true", "false", "auto");
        if (config.Root is { Length: 0 })
            throw new RuntimeConfigException($"runtime config {sourcePath}: $.root: must not be empty");
    }

    private static void Check(string? value, string path, string sourcePath, params string[] allowed)
    {
        if (value is null) return;
        foreach (var candidate in allowed)
            if (value == candidate) return;
        throw new RuntimeConfigException(
            $"runtime config {sourcePath}: {path}: invalid value {CommandLine.GoStrings.Quote(value)} (want {string.Join(", ", allowed)})");
    }

    /// <summary>
    /// System.Text.Json appends " Path: $.x | LineNumber: ..." (reported already) and, for type
    /// mismatches, names the .NET type, which means nothing to the reader of a config file.
    /// </summary>
    private static string Reason(JsonException e)
    {
        string message = e.Message;
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
            return "value has the wrong type (strings are expected)";
        int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        string reason = (cut >= 0 ? message[..cut] : message).Trim();
        return reason.EndsWith('.') ? reason[..^1] : reason;
    }
}
