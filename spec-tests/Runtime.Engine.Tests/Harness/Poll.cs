namespace Runtime.Engine.Tests.Harness;

/// <summary>Waiting for a condition, with a message that says what did not happen.</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> on timeout.</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until(condition, () => what, timeout);

    /// <summary>As above; <paramref name="what"/> is evaluated on timeout (e.g. to show a daemon's log).</summary>
    public static void Until(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out waiting for {what()}");
            Thread.Sleep(50);
        }
    }
}
