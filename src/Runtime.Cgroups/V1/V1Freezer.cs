namespace Runsharp.Cgroups.V1;

/// <summary>
/// The v1 freezer: freezer.state takes FROZEN or THAWED and reads back THAWED, FREEZING or FROZEN. A freeze is
/// only done when the file says FROZEN; a v1 cgroup whose processes keep forking (or that an exec is joining)
/// can sit in FREEZING, so the write is retried, with a short thaw now and then to let it settle.
/// </summary>
internal sealed class V1Freezer(IControlFiles files)
{
    const string StateFile = "freezer.state";

    /// <summary>Writes of FROZEN before giving up (each is followed by a read-back).</summary>
    internal const int FreezeAttempts = 1000;

    /// <summary>1 ms polls while a state settles (FREEZING, or a thaw not yet visible).</summary>
    internal const int SettlePolls = 1000;

    public void Freeze()
    {
        try
        {
            for (int i = 0; i < FreezeAttempts; i++)
            {
                // Processes keep appearing: a brief thaw lets the ones caught mid-fork finish, so the next
                // FROZEN can catch them all (the same remedy runc found for the v1 freezer).
                if (i % 50 == 49)
                {
                    files.Write(StateFile, "THAWED");
                    files.Sleep(10);
                }
                files.Write(StateFile, "FROZEN");
                if (i % 25 == 24)
                    files.Sleep(1);
                switch (ReadState())
                {
                    case "FROZEN":
                        return;
                    case "FREEZING":
                        continue;
                    case var other:
                        throw new CgroupException($"unable to freeze {files.Dir}: unexpected freezer.state '{other}'");
                }
            }
            throw new CgroupException($"unable to freeze {files.Dir}: freezer.state stayed FREEZING");
        }
        catch (CgroupException)
        {
            // Left FREEZING or FROZEN, every process in the cgroup would hang: put it back.
            TryWrite("THAWED");
            throw;
        }
    }

    /// <summary>Writes THAWED and waits until the cgroup no longer reports itself frozen.</summary>
    public void Thaw()
    {
        files.Write(StateFile, "THAWED");
        for (int i = 0; i < SettlePolls; i++)
        {
            if (State() != FreezerState.Frozen)
                return;
            files.Sleep(1);
        }
        throw new CgroupException($"unable to thaw {files.Dir}: freezer.state is still {ReadState()}");
    }

    /// <summary>The cgroup's own state. FREEZING is polled until it settles; FROZEN because an ancestor
    /// is frozen (freezer.self_freezing 0) is not this cgroup's pause, so it reads as THAWED.</summary>
    public FreezerState State()
    {
        for (int i = 0; ; i++)
        {
            switch (files.TryRead(StateFile))
            {
                case null:
                    return FreezerState.Undefined;
                case "THAWED":
                    return FreezerState.Thawed;
                case "FROZEN":
                    return SelfFreezing();
                case "FREEZING" when i < SettlePolls:
                    files.Sleep(1);
                    continue;
                case "FREEZING":
                    // Still on its way after a second: a freeze was asked for, whose is in self_freezing.
                    return SelfFreezing();
                case var other:
                    throw new CgroupException($"unknown freezer.state '{other}' in {files.Dir}");
            }
        }
    }

    FreezerState SelfFreezing() => files.TryRead("freezer.self_freezing") switch
    {
        null or "1" => FreezerState.Frozen, // kernels before 3.12 have no self_freezing
        "0" => FreezerState.Thawed,
        var other => throw new CgroupException($"unknown freezer.self_freezing '{other}' in {files.Dir}"),
    };

    string ReadState() =>
        files.TryRead(StateFile) ?? throw new CgroupException($"no freezer.state in {files.Dir}", CgroupErrors.ENOENT);

    void TryWrite(string value)
    {
        try { files.Write(StateFile, value); }
        catch (CgroupException) { }
    }
}
