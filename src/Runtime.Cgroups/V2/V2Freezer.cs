namespace Runsharp.Cgroups.V2;

/// <summary>
/// The v2 freezer (Linux 5.2+): cgroup.freeze is the request, "frozen 0/1" in cgroup.events is the fact. The
/// kernel freezes asynchronously, so a freeze or thaw is done only once cgroup.events agrees.
/// </summary>
internal sealed class V2Freezer(IControlFiles files)
{
    const string FreezeFile = "cgroup.freeze";
    const string EventsFile = "cgroup.events";

    /// <summary>Polls of cgroup.events (1 ms for the first ten, then 10 ms: about 10 s in all).</summary>
    internal const int WaitPolls = 1000;

    public void Freeze()
    {
        if (files.TryRead(FreezeFile) is null)
            throw new CgroupException($"freezer not supported: no cgroup.freeze in {files.Dir} (it needs Linux 5.2)", CgroupErrors.ENOENT);
        files.Write(FreezeFile, "1");
        try
        {
            WaitFor(frozen: true);
        }
        catch (CgroupException)
        {
            // A cgroup left half frozen would hang whatever it did catch: put it back.
            try { files.Write(FreezeFile, "0"); }
            catch (CgroupException) { }
            throw;
        }
    }

    /// <summary>Without cgroup.freeze nothing can be frozen, so there is nothing to thaw.</summary>
    public void Thaw()
    {
        if (files.TryRead(FreezeFile) is null)
            return;
        files.Write(FreezeFile, "0");
        WaitFor(frozen: false);
    }

    /// <summary>The cgroup's own request (cgroup.freeze), as runc reports it: a frozen ancestor does not
    /// make this cgroup paused, and a freeze still under way already counts.</summary>
    public FreezerState State() => files.TryRead(FreezeFile) switch
    {
        null => FreezerState.Undefined,
        "0" => FreezerState.Thawed,
        "1" => FreezerState.Frozen,
        var other => throw new CgroupException($"unknown cgroup.freeze '{other}' in {files.Dir}"),
    };

    void WaitFor(bool frozen)
    {
        string want = frozen ? "1" : "0";
        string? seen = null;
        for (int i = 0; i <= WaitPolls; i++)
        {
            var events = files.TryRead(EventsFile)
                ?? throw new CgroupException($"no cgroup.events in {files.Dir}", CgroupErrors.ENOENT);
            seen = Field(events, "frozen");
            if (seen == want)
                return;
            files.Sleep(i < 10 ? 1 : 10);
        }
        throw new CgroupException(frozen
            ? $"timeout waiting for {files.Dir} to freeze (cgroup.events still says frozen {seen})"
            : $"unable to thaw {files.Dir}: cgroup.events still says frozen {seen} (is an ancestor frozen?)");
    }

    /// <summary>The value of "key value" in a flat-keyed file such as cgroup.events.</summary>
    internal static string? Field(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0] == key)
                return parts[1];
        }
        return null;
    }
}
