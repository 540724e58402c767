using System.Text;
using Runsharp.Cli.Configuration;

namespace Runsharp.Cli.Tests.Configuration;

public class RuntimeConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("runsharp-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private string Missing(string name) => Path.Combine(_dir, name);

    [Fact]
    public void EnvironmentFileWinsOverSystemAndBesideExe()
    {
        string env = Write("env.json", """{ "root": "/env" }""");
        string system = Write("system.json", """{ "root": "/system" }""");
        string beside = Write("beside.json", """{ "root": "/beside" }""");
        var config = RuntimeConfigLoader.Load(env, system, beside);
        Assert.Equal("/env", config.Root);
        Assert.Equal(env, config.SourcePath);
    }

    [Fact]
    public void SystemFileWinsOverBesideExe()
    {
        string system = Write("system.json", """{ "root": "/system" }""");
        string beside = Write("beside.json", """{ "root": "/beside" }""");
        Assert.Equal("/system", RuntimeConfigLoader.Load(null, system, beside).Root);
        Assert.Equal("/system", RuntimeConfigLoader.Load("", system, beside).Root);
    }

    [Fact]
    public void BesideExeIsTheLastResort()
    {
        string beside = Write("beside.json", """{ "root": "/beside" }""");
        Assert.Equal("/beside", RuntimeConfigLoader.Load(null, Missing("system.json"), beside).Root);
    }

    [Fact]
    public void NoFileAtAllIsNotAnError()
    {
        var config = RuntimeConfigLoader.Load(null, Missing("a.json"), Missing("b/c.json"));
        Assert.Null(config.Root);
        Assert.Null(config.SourcePath);
    }

    [Fact]
    public void ExplicitEnvironmentFileMustExist()
    {
        string env = Missing("env.json");
        var e = Assert.Throws<RuntimeConfigException>(() => RuntimeConfigLoader.Load(env, Missing("s"), Missing("b")));
        Assert.Contains(env, e.Message);
        Assert.Contains("no such file or directory", e.Message);
    }

    [Fact]
    public void MalformedJsonNamesFileAndPath()
    {
        string path = Write("bad.json", "{\n  \"logLevel\": \"info\",\n  \"root\": 42\n}");
        var e = Assert.Throws<RuntimeConfigException>(() => RuntimeConfigLoader.Load(null, path, Missing("b")));
        Assert.Equal($"runtime config {path}: invalid JSON at $.root (line 3): value has the wrong type (strings are expected)", e.Message);
        Assert.Equal(e.Message, Runsharp.Cli.Logging.ErrorText.Describe(e));
    }

    [Fact]
    public void TruncatedJsonIsAnError()
    {
        string path = Write("trunc.json", "{ \"root\": ");
        var e = Assert.Throws<RuntimeConfigException>(() => RuntimeConfigLoader.Load(null, path, Missing("b")));
        Assert.Contains(path, e.Message);
        Assert.Contains("invalid JSON at $", e.Message);
        Assert.DoesNotContain("LineNumber:", e.Message);
        Assert.DoesNotContain("Runsharp.", e.Message);
    }

    [Theory]
    [InlineData("logLevel", "loud", "$.logLevel")]
    [InlineData("logFormat", "xml", "$.logFormat")]
    [InlineData("cgroupDriver", "cgroupv3", "$.cgroupDriver")]
    [InlineData("rootless", "maybe", "$.rootless")]
    [InlineData("root", "", "$.root")]
    public void InvalidValuesNameTheirPath(string key, string value, string jsonPath)
    {
        string path = Write("v.json", $"{{ \"{key}\": \"{value}\" }}");
        var e = Assert.Throws<RuntimeConfigException>(() => RuntimeConfigLoader.Load(null, path, Missing("b")));
        Assert.Contains(path, e.Message);
        Assert.Contains(jsonPath, e.Message);
    }

    [Fact]
    public void CommentsTrailingCommasAndUnknownMembersAreFine()
    {
        var config = RuntimeConfigLoader.Parse(Encoding.UTF8.GetBytes("""
            {
              // the default state dir
              "root": "/run/x",
              "futureSetting": { "a": 1 },
              "logFormat": "json",
            }
            """), "mem");
        Assert.Equal("/run/x", config.Root);
        Assert.Equal("json", config.LogFormat);
    }

    [Fact]
    public void TheRepositoryConfigFileIsValid()
    {
        string? dir = Path.GetDirectoryName(ThisFile());
        while (dir is not null && !File.Exists(Path.Combine(dir, "Runtime.sln")))
            dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        string path = Path.Combine(dir!, "runtime.config.json");
        var config = RuntimeConfigLoader.Parse(File.ReadAllBytes(path), path);
        Assert.Equal("/run/runsharp", config.Root);
        Assert.Equal("info", config.LogLevel);
        Assert.Equal("text", config.LogFormat);
        Assert.Equal("cgroupfs", config.CgroupDriver);
        Assert.Equal("", config.DefaultCgroupParent);
    }

    [Theory]
    [InlineData("null", "invalid JSON at $ (line 1): expected an object, got null")]
    [InlineData("[]", "invalid JSON at $ (line 1): expected an object, got another type")]
    [InlineData("{\n\"future\": [1,,2]}", "invalid JSON at $.future (line 2): unexpected character ','")]
    [InlineData("{} x", "invalid JSON at $ (line 1): unexpected character 'x'")]
    [InlineData("{\"logLevel\": [\"info\"]}", "invalid JSON at $.logLevel (line 1): value has the wrong type (strings are expected)")]
    [InlineData("{\"root\": \"\\ud800\"}", "invalid JSON at $.root (line 1): value has the wrong type (strings are expected)")]
    public void ErrorsNameTheMemberAndLine(string json, string expected)
    {
        var e = Assert.Throws<RuntimeConfigException>(() => RuntimeConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "f.json"));
        Assert.Equal("runtime config f.json: " + expected, e.Message);
    }

    [Fact]
    public void NamesAreCaseSensitiveNullIsUnsetAndTheLastDuplicateWins()
    {
        var config = RuntimeConfigLoader.Parse(Encoding.UTF8.GetBytes("""
            { "Root": "/ignored", "logLevel": null, "logFormat": "text", "logFormat": "json", "root": "/r" }
            """), "mem");
        Assert.Equal("/r", config.Root);
        Assert.Null(config.LogLevel);
        Assert.Equal("json", config.LogFormat);
        Assert.Equal("mem", config.SourcePath);
    }
}
