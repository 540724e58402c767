using Runsharp.Cli.CommandLine;

namespace Runsharp.Cli.Tests.CommandLine;

/// <summary>
/// What the programs that run `RUNTIME --version` take from it, each caller's rule written out here (from
/// reading their source) and applied to our text. Docker is checked for real in the engine suite
/// (DockerTests.InfoAndVersion_ShowRunsharpsVersionAndCommit).
/// </summary>
public class VersionCallersTests
{
    private static readonly string[] Lines = VersionInfo.Text.TrimEnd('\n').Split('\n');

    /// <summary>
    /// dockerd (moby daemon/info_unix.go parseRuntimeVersion, 20.10 to today) for `docker info` (RuncCommit) and
    /// `docker version` (a component named after the default runtime): every line that contains "version" gives the
    /// name (before it) and the version (after its last occurrence); a line starting "commit:" gives the commit;
    /// an error only when both are empty.
    /// </summary>
    [Fact]
    public void Dockerd_ParsesNameVersionAndCommit()
    {
        string? runtime = null, version = null, commit = null;
        foreach (var line in Lines)
        {
            if (line.Contains("version"))
            {
                var parts = line.Split("version");
                runtime = parts[0].Trim();
                version = parts[^1].Trim();
                continue;
            }
            if (line.StartsWith("commit:", StringComparison.Ordinal)) commit = line["commit:".Length..].Trim();
        }
        Assert.Equal("runsharp", runtime);
        Assert.Equal(VersionInfo.Version, version);
        Assert.Equal(VersionInfo.Commit, commit);
        Assert.Single(Lines, l => l.Contains("version")); // a later "version" line would override the first
    }

    /// <summary>
    /// containerd's go-runc Version() (since v1.0.0) returns the version only when the first line starts with
    /// "runc version " and otherwise empty fields and no error (crun and youki get the same); then it reads the
    /// lines starting "commit: " and "spec: ". Neither containerd nor dockerd calls it, so runsharp keeps its own
    /// name rather than claim to be runc; the other lines keep runc's exact shape.
    /// </summary>
    [Fact]
    public void GoRunc_LineShapes()
    {
        Assert.Matches(@"^runsharp version \d+\.\d+\.\d+$", Lines[0]);
        Assert.False(Lines[0].StartsWith("runc version ", StringComparison.Ordinal));
        Assert.Equal("commit: " + VersionInfo.Commit, Lines[1]);
        Assert.Matches(@"^spec: 1\.\d+\.\d+$", Lines[2]);
    }
}
