namespace Runsharp.Cgroups.Tests;

/// <summary>state.json keeps the cgroup mode by name; the switch must say what Enum.ToString said before it, so
/// that state written by an older runsharp reads back.</summary>
public class CgroupModeNamesTests
{
    [Theory]
    [InlineData(CgroupMode.Legacy)]
    [InlineData(CgroupMode.Hybrid)]
    [InlineData(CgroupMode.Unified)]
    public void Names_are_the_enum_names_and_read_back(CgroupMode mode)
    {
        Assert.Equal(mode.ToString(), mode.Name());
        Assert.True(CgroupModeNames.TryParse(mode.Name(), out var back));
        Assert.Equal(mode, back);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("legacy")]
    [InlineData("Hybrid ")]
    [InlineData("v2")]
    public void Anything_else_is_no_mode(string? name) => Assert.False(CgroupModeNames.TryParse(name, out _));
}
