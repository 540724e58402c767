namespace Runsharp.Cgroups.Tests;

public class CgroupFilesErrorTests
{
    [Fact]
    public void A_failed_write_names_file_value_and_cause_once()
    {
        // /dev/full opens for writing and fails every write(2) with ENOSPC, as a cgroup file refuses a value.
        var e = Assert.Throws<CgroupException>(() => CgroupFiles.Write("/dev", "full", "42"));
        Assert.Equal("unable to write 'full' = 42 in /dev: no space left on device", e.Message);
        Assert.Equal(28, e.Errno);
        // Nothing chained whose text would repeat the path and the errno in the logged message.
        Assert.Null(e.InnerException);
    }
}
