using Runsharp.Spec;

namespace Runsharp.Spec.Tests;

public class LoaderErrorTests
{
    private static string ErrorOf(string json) =>
        Assert.Throws<SpecException>(() => SpecLoader.ParseConfig(json)).Message;

    [Theory]
    [InlineData("""{"ociVersion":"1.2.0","process":{"user":{"uid":"0"},"cwd":"/"}}""", "process.user.uid: expected a number, got a string")]
    [InlineData("""{"ociVersion":"1.2.0","mounts":[{"destination":"/a"},{"destination":"/b"},{"destination":5}]}""", "mounts[2].destination: expected a string, got a number")]
    [InlineData("""{"ociVersion":"1.2.0","process":{"user":{"uid":1099511627776},"cwd":"/"}}""", "process.user.uid: 1099511627776 is out of range (0 to 4294967295)")]
    [InlineData("""{"ociVersion":"1.2.0","process":{"user":{"uid":-1},"cwd":"/"}}""", "process.user.uid: -1 is out of range (0 to 4294967295)")]
    [InlineData("""{"ociVersion":"1.2.0","process":{"user":{"uid":1.5},"cwd":"/"}}""", "process.user.uid: expected an integer, got 1.5")]
    [InlineData("""{"ociVersion":"1.2.0","process":[]}""", "process: expected an object, got an array")]
    [InlineData("""{"ociVersion":"1.2.0","process":{"args":"sh","cwd":"/"}}""", "process.args: expected an array, got a string")]
    [InlineData("""{"ociVersion":"1.2.0","process":{"args":["sh",1],"cwd":"/"}}""", "process.args[1]: expected a string, got a number")]
    [InlineData("""{"ociVersion":"1.2.0","process":{"terminal":"yes","cwd":"/"}}""", "process.terminal: expected true or false, got a string")]
    [InlineData("""{"ociVersion":"1.2.0","annotations":{"a.b":1}}""", "annotations[\"a.b\"]: expected a string, got a number")]
    [InlineData("""{"ociVersion":"1.2.0","linux":{"sysctl":{"net.ipv4.ip_forward":true}}}""", "linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got a boolean")]
    [InlineData("""{"ociVersion":"1.2.0","linux":{"resources":{"memory":{"limit":"1G"}}}}""", "linux.resources.memory.limit: expected a number, got a string")]
    [InlineData("""{"ociVersion":"1.2.0","linux":{"resources":{"blockIO":{"weight":70000}}}}""", "linux.resources.blockIO.weight: 70000 is out of range (0 to 65535)")]
    [InlineData("""{"ociVersion":"1.2.0","linux":{"namespaces":[{"type":"pid"},{"type":null}]}}""", "linux.namespaces[1].type: expected a string, got null")]
    [InlineData("""{"ociVersion":null}""", "ociVersion: expected a string, got null")]
    [InlineData("""[]""", "config.json: expected an object, got an array")]
    [InlineData("""null""", "config.json: expected an object, got null")]
    public void WrongTypesNameThePath(string json, string expected) => Assert.Equal(expected, ErrorOf(json));

    [Theory]
    [InlineData("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {\"path\" \"rootfs\"}\n}", "config.json: invalid JSON at line 3, column 19: unexpected character '\"'")]
    [InlineData("{\"ociVersion\": \"1.2.0\"", "config.json: invalid JSON at line 1, column 23: unexpected end of input")]
    [InlineData("", "config.json: invalid JSON at line 1, column 1: unexpected end of input")]
    [InlineData("{\"a\":1} x", "config.json: invalid JSON at line 1, column 9: unexpected character 'x'")]
    public void InvalidJsonNamesLineAndColumn(string json, string expected) => Assert.Equal(expected, ErrorOf(json));

    [Fact]
    public void MissingConfigSaysNoSuchFile()
    {
        string dir = Directory.CreateTempSubdirectory("runsharp-spec-").FullName;
        try
        {
            var ex = Assert.Throws<SpecException>(() => SpecLoader.LoadConfig(dir));
            Assert.Equal("config.json: no such file or directory", ex.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ProcessErrorsAreRelativeToTheProcess()
    {
        var ex = Assert.Throws<SpecException>(() => SpecLoader.ParseProcess("""{"user":{"gid":"x"},"cwd":"/"}"""));
        Assert.Equal("user.gid: expected a number, got a string", ex.Message);
        Assert.Equal("user.gid", ex.JsonPath);
    }
}
