namespace Runtime.Integration.Tests;

/// <summary>
/// Device rules on cgroup v2, where the runtime must enforce them with an eBPF program attached to the container's
/// cgroup (PureV2: a private cgroup2 view of this host, or the v2 guest). Inside, a probe opens a device and reports
/// "EPERM" when the device check refused it and "ok" otherwise: a driver's own error such as ENXIO (from /dev/tty
/// without a terminal, or from a node numbered 240:x that no driver owns) comes after the check passed. Nodes
/// outside the default set are made with mknod, which the default "c *:* m" rule allows.
/// </summary>
public class DeviceCgroupV2Tests : IntegrationTest
{
    const string Probe =
        "probe() { out=$(eval \"true $2\" 2>&1); case \"$out\" in *'not permitted'*) echo \"$1 EPERM\";; *) echo \"$1 ok\";; esac; }\n";

    static readonly string[] DefaultSetExpected =
    [
        "null-r ok", "null-w ok", "zero-r ok", "full-w ok", "random-r ok", "urandom-r ok", "tty-r ok", "ptmx-rw ok",
        "mknod-c ok", "c240-r EPERM", "mknod-b ok", "b7-r EPERM",
    ];

    const string DefaultSetProbes =
        "probe null-r '</dev/null'; probe null-w '>/dev/null'; probe zero-r '</dev/zero'; probe full-w '>/dev/full'\n" +
        "probe random-r '</dev/random'; probe urandom-r '</dev/urandom'; probe tty-r '</dev/tty'; probe ptmx-rw '<>/dev/ptmx'\n" +
        "mknod /dev/c240 c 240 7 && echo mknod-c ok; probe c240-r '</dev/c240'\n" +
        "mknod /dev/b7 b 7 0 && echo mknod-b ok; probe b7-r '</dev/b7'\n";

    Bundle Bundle(string script)
    {
        var b = R.NewBundle().Sh(Probe + script);
        foreach (var set in new[] { "bounding", "effective", "permitted" })
            b.Process["capabilities"]![set]!.AsArray().Add("CAP_MKNOD");
        return b;
    }

    static JsonArray Rules(params JsonObject[] rules) => new(rules.Select(r => (JsonNode?)r).ToArray());

    static JsonObject Rule(bool allow, string? type = null, long? major = null, long? minor = null, string access = "rwm")
    {
        var o = new JsonObject { ["allow"] = allow, ["access"] = access };
        if (type is not null) o["type"] = type;
        if (major is not null) o["major"] = major;
        if (minor is not null) o["minor"] = minor;
        return o;
    }

    Sh.Result Run(Bundle b) => PureV2.Run(R, b, PureV2.NewName());

    [Fact]
    public void WithoutDeviceRules_TheDefaultSetApplies()
    {
        var b = Bundle(DefaultSetProbes);
        b.Linux["resources"] = new JsonObject();
        var r = Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(DefaultSetExpected, Lines(r.Stdout));
    }

    [Fact]
    public void DenyAll_LeavesTheDefaultSetOpen()
    {
        var b = Bundle(DefaultSetProbes); // the default bundle's rules: [deny a]
        var r = Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(DefaultSetExpected, Lines(r.Stdout));
    }

    [Fact]
    public void ReadOnlyRule_GivesReadButNotWrite()
    {
        var b = Bundle("mknod /dev/c240 c 240 7; probe r '</dev/c240'; probe w '>/dev/c240'; probe rw '<>/dev/c240'; " +
                       "mknod /dev/c241 c 240 8; probe other '</dev/c241'");
        b.Linux["resources"]!["devices"] = Rules(Rule(false), Rule(true, "c", 240, 7, "r"));
        var r = Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["r ok", "w EPERM", "rw EPERM", "other EPERM"], Lines(r.Stdout));
    }

    [Fact]
    public void LaterRulesWin()
    {
        var b = Bundle("mknod /dev/a c 240 7; mknod /dev/b c 240 8; probe a-r '</dev/a'; probe a-w '>/dev/a'; probe b-r '</dev/b'");
        b.Linux["resources"]!["devices"] = Rules(Rule(false), Rule(true, "c", 240, 7), Rule(true, "c", 240, 8), Rule(false, "c", 240, 8),
            Rule(false, "c", 240, 7, "w"));
        var r = Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["a-r ok", "a-w EPERM", "b-r EPERM"], Lines(r.Stdout));
    }

    [Fact]
    public void DenyingDevNull_WhenLinuxDevicesCreatesIt_MakesItUnusable()
    {
        // runc drops its default /dev/null rule when linux.devices lists /dev/null; the spec's deny then holds.
        // runc itself reopens /dev/null in the container's init and fails there; runsharp starts the container.
        var b = Bundle("probe null-r '</dev/null'; probe null-w '>/dev/null'; probe zero-r '</dev/zero'");
        b.Linux["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/null", ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["fileMode"] = 438 });
        b.Linux["resources"]!["devices"] = Rules(Rule(false), Rule(false, "c", 1, 3));
        var r = Run(b);
        if (Env.IsRunc)
        {
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("/dev/null: operation not permitted", r.Stderr);
            return;
        }
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["null-r EPERM", "null-w EPERM", "zero-r ok"], Lines(r.Stdout));
    }

    [Fact]
    public void AHoleInAWildcardRule_IsRefused()
    {
        // The v1 devices cgroup would silently ignore the deny and leave 240:7 open; both runtimes refuse it.
        var b = Bundle("echo started");
        b.Linux["resources"]!["devices"] = Rules(Rule(false), Rule(true, "c", 240, null), Rule(false, "c", 240, 7));
        var r = Run(b);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.DoesNotContain("started", r.Stdout);
        Env.RunsharpOnly(() => Assert.Contains("linux.resources.devices[2] 'deny c 240:7 rwm' would take access from part of the earlier wildcard rule 'allow c 240:* rwm'", r.Stderr));
    }

    [Fact]
    public void ABadDeviceType_IsRefusedNamingTheField()
    {
        var b = Bundle("echo started");
        b.Linux["resources"]!["devices"] = Rules(Rule(false), Rule(true, "x", 1, 3));
        var r = Run(b);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.DoesNotContain("started", r.Stdout);
        Env.RunsharpOnly(() => Assert.Contains("linux.resources.devices[1].type", r.Stderr));
    }
}
