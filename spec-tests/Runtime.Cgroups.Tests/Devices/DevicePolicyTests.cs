using Runsharp.Cgroups.Devices;
using Runsharp.Spec;
using static Runsharp.Cgroups.Tests.Devices.DeviceRuleText;

namespace Runsharp.Cgroups.Tests.Devices;

/// <summary>The rule sequence and its v1-style emulation: what the exceptions become, and what is refused.</summary>
public class DevicePolicyTests
{
    static DevicePolicy Emulate(List<LinuxDeviceCgroup>? rules, params LinuxDevice[] created) =>
        DevicePolicy.Emulate(DeviceRules.Sequence(rules, created));

    static string[] Exceptions(DevicePolicy p) => p.Exceptions.Select(e => e.ToString()).ToArray();

    [Fact]
    public void The_default_sequence_is_an_allow_list_of_runc_devices()
    {
        var p = Emulate(null);
        Assert.False(p.DefaultAllow);
        Assert.Equal(
            ["allow c *:* m", "allow b *:* m", "allow c 1:3 rwm", "allow c 1:8 rwm", "allow c 1:7 rwm", "allow c 5:0 rwm",
             "allow c 1:5 rwm", "allow c 1:9 rwm", "allow c 136:* rwm", "allow c 5:2 rwm", "allow c 10:200 rwm"],
            Exceptions(p));
    }

    [Fact]
    public void Deny_rules_take_access_from_the_exception_and_remove_it_when_none_is_left()
    {
        var p = Emulate(Rules("deny a", "allow c 240:7 rwm", "deny c 240:7 w", "allow c 240:8 r", "deny c 240:8 r"));
        Assert.Contains("allow c 240:7 rm", Exceptions(p));
        Assert.DoesNotContain(Exceptions(p), e => e.Contains("240:8"));
    }

    [Fact]
    public void An_allow_all_spec_keeps_only_deny_exceptions()
    {
        var p = Emulate(Rules("allow a", "deny c 240:7 rw", "deny c 1:3 w"));
        Assert.True(p.DefaultAllow);
        // The default "allow c 1:3 rwm" that follows takes the deny away again, as on v1 and in runc.
        Assert.Equal(["deny c 240:7 rw"], Exceptions(p));
    }

    [Theory]
    [InlineData("deny a|allow c 240:* rwm|deny c 240:7 w", "linux.resources.devices[2] 'deny c 240:7 w' would take access from part of the earlier wildcard rule 'allow c 240:* rwm'")]
    [InlineData("deny a|allow c *:7 r|deny c 3:7 rw", "linux.resources.devices[2] 'deny c 3:7 rw'")]
    [InlineData("allow a|deny b 8:* r|allow b 8:1 r", "linux.resources.devices[2] 'allow b 8:1 r' would take access from part of the earlier wildcard rule 'deny b 8:* r'")]
    public void Punching_a_hole_in_a_wildcard_rule_is_refused_naming_the_rule(string rules, string message)
    {
        var e = Assert.Throws<CgroupException>(() => Emulate(Rules(rules.Split('|'))));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Taking_access_the_wildcard_does_not_grant_is_fine()
    {
        // Only shared access is a hole: "c 240:* r" then "deny c 240:7 w" removes nothing anyone has.
        var p = Emulate(Rules("deny a", "allow c 240:* r", "deny c 240:7 w"));
        Assert.Contains("allow c 240:* r", Exceptions(p));
    }

    [Theory]
    [InlineData("x", "rwm", 1L, 3L, "linux.resources.devices[1].type 'x' is not one of a, b, c")]
    [InlineData("c", "rwx", 1L, 3L, "linux.resources.devices[1].access 'rwx' may only contain r, w and m")]
    [InlineData("c", "rw", -5L, 3L, "linux.resources.devices[1].major -5 is out of range")]
    [InlineData("b", "rw", 8L, 4294967296L, "linux.resources.devices[1].minor 4294967296 is out of range")]
    public void Bad_rules_are_refused_naming_the_field(string type, string access, long major, long minor, string message)
    {
        var rules = new List<LinuxDeviceCgroup> { Rule("deny a"), new() { Allow = true, Type = type, Major = major, Minor = minor, Access = access } };
        var e = Assert.Throws<CgroupException>(() => DeviceRules.Sequence(rules, []));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Missing_fields_mean_every_device_and_every_access()
    {
        var rule = DeviceRule.Parse(new LinuxDeviceCgroup { Allow = true, Type = "c" }, "f");
        Assert.Equal(new DeviceRule(true, DeviceKind.Char, DeviceRule.Any, DeviceRule.Any, DeviceAccess.All), rule);
        Assert.Equal(DeviceKind.All, DeviceRule.Parse(new LinuxDeviceCgroup(), "f").Kind);
    }
}
