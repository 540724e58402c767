using System.Reflection;

namespace Runsharp.Cli.CommandLine;

/// <summary>
/// The <c>--version</c> text in runc's shape. go-runc's Version() reads the first line
/// "&lt;name&gt; version X" and the "commit:" and "spec:" lines, so keep those three first.
/// </summary>
public static class VersionInfo
{
    public const string Version = "0.1.0";
    public const string SpecVersion = "1.2.0";

    /// <summary>The git sha the SDK stamps into the informational version ("0.1.0+sha"), or "unknown".</summary>
    public static string Commit { get; } = ReadCommit();

    public static IReadOnlyList<string> Lines { get; } =
    [
        Version,
        "commit: " + Commit,
        "spec: " + SpecVersion,
        "dotnet: " + Environment.Version,
    ];

    /// <summary>"runsharp version 0.1.0\ncommit: ...\nspec: 1.2.0\ndotnet: ...\n".</summary>
    public static string Text { get; } = "runsharp version " + string.Join('\n', Lines) + "\n";

    private static string ReadCommit()
    {
        // An assembly attribute read, which NativeAOT keeps; no type or member reflection.
        var informational = typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        int plus = informational?.IndexOf('+') ?? -1;
        if (informational is null || plus < 0 || plus == informational.Length - 1) return "unknown";
        return informational[(plus + 1)..];
    }
}
