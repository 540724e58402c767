namespace Runtime.Integration.Tests;

/// <summary>linux.rootfsPropagation, read from the container's own mountinfo line for "/".</summary>
public class PropagationTests : IntegrationTest
{
    [Theory]
    [InlineData("shared", "shared:")]
    [InlineData("rshared", "shared:")]
    // A slave of a private mount (the suite runs in a private mount namespace) has no master: only "not shared" is certain.
    [InlineData("slave", null)]
    [InlineData("private", null)]
    public void RootPropagation_IsWhatTheSpecAsks(string propagation, string? tag)
    {
        var b = R.NewBundle().Sh("awk '$5 == \"/\" { for (i = 7; $i != \"-\"; i++) printf \"%s \", $i; print \"\" }' /proc/self/mountinfo");
        b.Linux["rootfsPropagation"] = propagation;
        var line = R.RunOk(b).Trim();
        if (tag is null) Assert.DoesNotMatch("shared:|unbindable", line);
        // runc 1.1.5 leaves the root private for "shared" and "unbindable" (its validation score here is 2/2).
        else Env.RunsharpOnly(() => Assert.Contains(tag, line));
    }

    /// <summary>runc 1.1.5 cannot create this container at all (it fails the validation suite's case too).</summary>
    [Fact]
    [Trait("runc", "differs")]
    public void UnbindableRoot_IsUnbindable() => RootPropagation_IsWhatTheSpecAsks("unbindable", "unbindable");
}
