using Runsharp.Cli.Logging;

namespace Runsharp.Cli.Tests.Logging;

public class ErrorTextTests
{
    [Fact]
    public void RealMissingFile()
    {
        var e = Assert.ThrowsAny<IOException>(() => File.ReadAllText("/nonexistent-runsharp/config.json"));
        string text = ErrorText.Describe(e);
        Assert.Contains("/nonexistent-runsharp/config.json", text);
        Assert.EndsWith("no such file or directory", text);
    }

    [Fact]
    public void FileNotFoundBecomesGoPathError()
    {
        Assert.Equal("open /x/config.json: no such file or directory",
            ErrorText.Describe(new FileNotFoundException("Could not find file '/x/config.json'.", "/x/config.json")));
    }

    [Fact]
    public void AccessDeniedBecomesPermissionDenied()
    {
        Assert.Equal("/root/x: permission denied",
            ErrorText.Describe(new UnauthorizedAccessException("Access to the path '/root/x' is denied.")));
    }

    [Fact]
    public void ChainIsJoinedWithoutRepeats()
    {
        var inner = new IOException("operation not permitted");
        var middle = new InvalidOperationException("mount proc on /proc: operation not permitted", inner);
        var outer = new InvalidOperationException("unable to start container process", middle);
        Assert.Equal("unable to start container process: mount proc on /proc: operation not permitted", ErrorText.Describe(outer));
    }

    [Fact]
    public void NoStackTraceOrTypeNames()
    {
        Exception caught;
        try { throw new InvalidOperationException("bad thing.\nsecond line"); }
        catch (Exception e) { caught = e; }
        string text = ErrorText.Describe(caught);
        Assert.Equal("bad thing. second line", text);
        Assert.DoesNotContain(" at ", text);
        Assert.DoesNotContain("Exception", text);
    }

    [Fact]
    public void AggregateUsesInner()
    {
        Assert.Equal("boom", ErrorText.Describe(new AggregateException(new InvalidOperationException("boom"))));
    }
}
