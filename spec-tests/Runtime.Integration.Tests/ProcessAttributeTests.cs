namespace Runtime.Integration.Tests;

/// <summary>linux.personality, process.ioPriority and process.scheduler, read back from inside the container.</summary>
public class ProcessAttributeTests : IntegrationTest
{
    [Fact]
    public void Personality_Linux32_ChangesUname()
    {
        var b = R.NewBundle().Sh("uname -m");
        b.Linux["personality"] = new JsonObject { ["domain"] = "LINUX32" };
        Assert.Equal("i686", R.RunOk(b).Trim());
    }

    [Fact]
    public void IoPriority_IsSet()
    {
        var b = R.NewBundle().Sh("ionice -p $$");
        b.Process["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_IDLE", ["priority"] = 0 };
        Env.RunsharpOnly(() => Assert.Contains("idle", R.RunOk(b)));
    }

    [Fact]
    public void Scheduler_BatchWithNice_IsSet()
    {
        // /proc/self/stat: field 19 is nice, field 41 the policy (3 = SCHED_BATCH).
        var b = R.NewBundle().Sh("cut -d' ' -f19,41 /proc/self/stat");
        b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_BATCH", ["nice"] = 5 };
        Env.RunsharpOnly(() => Assert.Equal("5 3", R.RunOk(b).Trim()));
    }

    [Fact]
    public void UnknownSchedulerPolicy_FailsNamingTheField()
    {
        var b = R.NewBundle().Sh("true");
        b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_FAST" };
        var r = R.Create(b, NewId());
        Env.RunsharpOnly(() => { r.Fails(); Assert.Contains("process.scheduler", r.Stderr); });
    }
}
