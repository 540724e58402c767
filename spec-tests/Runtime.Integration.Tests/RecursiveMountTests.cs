namespace Runtime.Integration.Tests;

/// <summary>Recursive mount attributes (rro, rnoexec, ...) reach submounts too (id-mapped mounts: IdmappedMountTests).</summary>
public class RecursiveMountTests : IntegrationTest
{
    [Fact]
    public void Rro_MakesSubmountsReadOnlyToo()
    {
        string host = R.TempPath("rro-src");
        Directory.CreateDirectory(Path.Combine(host, "sub"));
        // A submount inside the source (this test process runs in a private mount namespace).
        var m = Sh.Run($"mount -t tmpfs rsit-rro {Env.Q(Path.Combine(host, "sub"))}");
        Assert.True(m.ExitCode == 0, $"mount: {m}");
        try
        {
            var b = R.NewBundle().Sh("touch /data/a 2>&1; echo rc=$?; touch /data/sub/b 2>&1; echo rc=$?");
            b.AddMount("/data", "bind", host, "rbind", "rro");
            var output = R.RunOk(b);
            Assert.Equal(2, output.Split('\n').Count(l => l == "rc=1"));
            Assert.Contains("Read-only file system", output);
        }
        finally
        {
            Sh.Run($"umount {Env.Q(Path.Combine(host, "sub"))}");
        }
    }
}
