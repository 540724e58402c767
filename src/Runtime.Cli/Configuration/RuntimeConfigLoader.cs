using System.Text.Json;
using Runsharp.Spec;

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

    /// <summary>
    /// Reads the file's members (names are case-sensitive; comments and trailing commas are allowed; unknown members
    /// are skipped) straight off a Utf8JsonReader: this runs at every start-up, where the serializer's metadata cost
    /// more than the rest of the parse.
    /// </summary>
    /// <exception cref="RuntimeConfigException"/>
    public static RuntimeConfig Parse(ReadOnlySpan<byte> json, string sourcePath)
    {
        string? root = null, logLevel = null, logFormat = null, cgroupDriver = null, defaultCgroupParent = null, rootless = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        string where = "$";
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                string got = reader.TokenType == JsonTokenType.Null ? "null" : "another type";
                throw Invalid(sourcePath, where, json, reader.TokenStartIndex, $"expected an object, got {got}");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                where = "$." + name;
                reader.Read();
                bool known = name is "root" or "logLevel" or "logFormat" or "cgroupDriver" or "defaultCgroupParent" or "rootless";
                if (!known)
                {
                    reader.Skip();
                }
                else if (!TryText(ref reader, out string? value))
                {
                    throw Invalid(sourcePath, where, json, reader.TokenStartIndex, "value has the wrong type (strings are expected)");
                }
                else
                {
                    switch (name)
                    {
                        case "root": root = value; break;
                        case "logLevel": logLevel = value; break;
                        case "logFormat": logFormat = value; break;
                        case "cgroupDriver": cgroupDriver = value; break;
                        case "defaultCgroupParent": defaultCgroupParent = value; break;
                        default: rootless = value; break;
                    }
                }
                where = "$";
            }
            // Anything but whitespace and comments after the object is a syntax error, thrown here.
            reader.Read();
        }
        catch (JsonException e)
        {
            // The JsonException itself is not kept as the inner exception: its text is .NET's and repeats ours.
            throw new RuntimeConfigException($"runtime config {sourcePath}: invalid JSON at {where} (line {(e.LineNumber ?? 0) + 1}): {JsonSyntax.Problem(e, json)}");
        }
        catch (InvalidOperationException)
        {
            throw Invalid(sourcePath, where, json, reader.TokenStartIndex, "a member name has a \\u escape of half a UTF-16 surrogate pair");
        }

        var config = new RuntimeConfig
        {
            Root = root, LogLevel = logLevel, LogFormat = logFormat, CgroupDriver = cgroupDriver,
            DefaultCgroupParent = defaultCgroupParent, Rootless = rootless, SourcePath = sourcePath,
        };
        Validate(config, sourcePath);
        return config;
    }

    /// <summary>Every member is a string or null; false for anything else (or a \u escape of half a surrogate pair).</summary>
    private static bool TryText(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        try { value = reader.GetString(); return true; }
        catch (InvalidOperationException) { return false; }
    }

    private static RuntimeConfigException Invalid(string sourcePath, string where, ReadOnlySpan<byte> json, long offset, string problem) =>
        new($"runtime config {sourcePath}: invalid JSON at {where} (line {JsonSyntax.LineOf(json, offset)}): {problem}");

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
}
