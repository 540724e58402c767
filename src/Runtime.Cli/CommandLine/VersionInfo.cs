using System.Reflection;

namespace Runsharp.Cli.CommandLine;

/// <summary>
/// The <c>--version</c> text in runc's shape: "runsharp version X", "commit: SHA", "spec: X.Y.Z", then extras.
/// dockerd (`docker info`, `docker version`) takes name and version from the only line containing "version" and
/// the commit from "commit:"; containerd's go-runc Version() fills its fields only for a first line starting
/// "runc version " (crun gets empty fields too) and no engine calls it, so the name stays ours.
/// See VersionCallersTests.
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
