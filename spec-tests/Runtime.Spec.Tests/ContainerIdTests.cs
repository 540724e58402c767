namespace Runsharp.Spec.Tests;

public class ContainerIdTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("a_b+c-d.e")]
    [InlineData("..a")]
    [InlineData("A9")]
    public void Accepted(string id) => Assert.Null(ContainerIdValidator.Validate(id));

    [Theory]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("é")]
    [InlineData("a:b")]
    public void RejectedCharactersAreNamed(string id) =>
        Assert.Equal($"invalid container id \"{id}\": only letters, digits, '_', '+', '-' and '.' are allowed", ContainerIdValidator.Validate(id));

    [Fact]
    public void DotsEmptyAndTooLong()
    {
        Assert.Equal("invalid container id \".\"", ContainerIdValidator.Validate("."));
        Assert.Equal("invalid container id \"..\"", ContainerIdValidator.Validate(".."));
        Assert.Equal("container id cannot be empty", ContainerIdValidator.Validate(""));
        // One directory name under the state root: NAME_MAX.
        Assert.Contains("longer than 255 characters", ContainerIdValidator.Validate(new string('a', 256)));
        Assert.True(ContainerIdValidator.IsValid(new string('a', 255)));
    }
}
