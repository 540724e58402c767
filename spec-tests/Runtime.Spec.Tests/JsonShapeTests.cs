using System.Text;
using System.Text.Json;

namespace Runsharp.Spec.Tests;

/// <summary>The hand-written readers' and writers' rules, one by one (the oracle tests compare them wholesale).</summary>
public class JsonShapeTests
{
    private static string ErrorOf(string json) => Assert.Throws<SpecException>(() => SpecLoader.ParseConfig(json)).Message;

    [Fact]
    public void MemberNamesMatchCaseInsensitivelyAndThroughEscapes()
    {
        var spec = SpecLoader.ParseConfig("""{"\u006FciVersion":"1.2.0","PROCESS":{"cWd":"/","\u0055SER":{"UID":7}}}""");
        Assert.Equal("1.2.0", spec.OciVersion);
        Assert.Equal(7u, spec.Process!.User.Uid);
        Assert.True(spec.Process.UserGiven);
        Assert.False(SpecLoader.ParseProcess("""{"cwd":"/"}""").UserGiven);
    }

    [Fact]
    public void OnlyAsciiLettersFoldLikeOrdinalIgnoreCase()
    {
        // U+017F (long s) upper-cases to S in Unicode, but not in .NET's ordinal comparison nor here: unknown, skipped.
        var spec = SpecLoader.ParseConfig("{\"ociVer\u017Fion\":\"x\"}");
        Assert.Equal("", spec.OciVersion);
    }

    [Fact]
    public void UnknownMembersAreSkippedWhateverTheirShapeAndDepth()
    {
        string deep = new string('[', 200) + new string(']', 200);
        var spec = SpecLoader.ParseConfig("""{"x":{"a":[1,{"b":null}]},"ociVersion":"1","y":""" + deep + ""","process":{"cwd":"/","z":"w"}}""");
        Assert.Equal("1", spec.OciVersion);
        Assert.Equal("/", spec.Process!.Cwd);
    }

    [Fact]
    public void TheLastOfDuplicateMembersWins()
    {
        var spec = SpecLoader.ParseConfig("""{"hostname":"a","HOSTNAME":"b","annotations":{"k":"1","k":"2"},"process":{"user":{"uid":1},"user":{"gid":2}}}""");
        Assert.Equal("b", spec.Hostname);
        Assert.Equal("2", spec.Annotations!["k"]);
        Assert.Equal(0u, spec.Process!.User.Uid);
        Assert.Equal(2u, spec.Process.User.Gid);
    }

    [Fact]
    public void NullIsRefusedForValuesAndKeptInCollections()
    {
        var spec = SpecLoader.ParseConfig("""{"hostname":null,"process":{"cwd":"/","args":["a",null],"oomScoreAdj":null},"annotations":{"a":null},"mounts":[null]}""");
        Assert.Null(spec.Hostname);
        Assert.Equal(["a", null!], spec.Process!.Args!);
        Assert.Null(spec.Process.OomScoreAdj);
        Assert.Null(spec.Annotations!["a"]);
        Assert.Null(spec.Mounts![0]);

        Assert.Equal("process.terminal: expected true or false, got null", ErrorOf("""{"process":{"terminal":null}}"""));
        Assert.Equal("process.user: expected an object, got null", ErrorOf("""{"process":{"user":null}}"""));
        Assert.Equal("process.cwd: expected a string, got null", ErrorOf("""{"process":{"cwd":null}}"""));
        Assert.Equal("linux.seccomp.syscalls[0].names: expected an array, got null",
            ErrorOf("""{"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":null}]}}}"""));
    }

    [Theory]
    [InlineData("""{"PROCESS":{"USER":{"UID":"x"}}}""", "PROCESS.USER.UID: expected a number, got a string")]
    [InlineData("""{"process":{"user":{"uid":1e2}}}""", "process.user.uid: expected an integer, got 1e2")]
    [InlineData("""{"process":{"user":{"uid":-0}}}""", "process.user.uid: -0 is out of range (0 to 4294967295)")]
    [InlineData("""{"linux":{"resources":{"memory":{"limit":-9223372036854775809}}}}""", "linux.resources.memory.limit: -9223372036854775809 is out of range (-9223372036854775808 to 9223372036854775807)")]
    [InlineData("""{"linux":{"seccomp":{"syscalls":[{"args":[{"value":18446744073709551616}]}]}}}""", "linux.seccomp.syscalls[0].args[0].value: 18446744073709551616 is out of range (0 to 18446744073709551615)")]
    [InlineData("""{"annotations":{"a\"b":1}}""", "annotations[\"a\\\"b\"]: expected a string, got a number")]
    [InlineData("""{"annotations":{"":1}}""", "annotations[\"\"]: expected a string, got a number")]
    [InlineData("""{"linux":{"timeOffsets":{"boot.time":{"secs":"x"}}}}""", "linux.timeOffsets[\"boot.time\"].secs: expected a number, got a string")]
    [InlineData("""{"linux":{"resources":{"rdma":{"m":{"hcaHandles":[]}}}}}""", "linux.resources.rdma.m.hcaHandles: expected a number, got an array")]
    [InlineData("""{"linux":{"netDevices":{"eth0":"x"}}}""", "linux.netDevices.eth0: expected an object, got a string")]
    [InlineData("""{"hostname":"\ud800"}""", "hostname: invalid string: a \\u escape names half of a UTF-16 surrogate pair")]
    [InlineData("""{"annotations":{"\udc00":"x"}}""", "annotations[\"\\\\udc00\"]: invalid string: a \\u escape names half of a UTF-16 surrogate pair")]
    [InlineData("""{"annotations":{"a":[[[]]]}}""", "annotations.a: expected a string, got an array")]
    [InlineData("\"x\"", "config.json: expected an object, got a string")]
    public void ErrorsNameThePathAsTheDocumentSpellsIt(string json, string expected) => Assert.Equal(expected, ErrorOf(json));

    [Fact]
    public void ErrorsInResourcesAndProcessFilesAreRelativeToTheirRoot()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.ParseResources("""{"memory":{"limit":"1G"}}"""u8, "r.json"));
        Assert.Equal("memory.limit: expected a number, got a string", e.Message);
        Assert.Equal("memory.limit", e.JsonPath);

        e = Assert.Throws<SpecException>(() => SpecLoader.ParseResources("[]"u8, "r.json"));
        Assert.Equal("r.json: expected an object, got an array", e.Message);
        Assert.Null(e.JsonPath);

        e = Assert.Throws<SpecException>(() => SpecLoader.ParseProcess("""{"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","soft":"1"}]}""", "/tmp/p.json"));
        Assert.Equal("rlimits[0].soft: expected a number, got a string", e.Message);
    }

    [Fact]
    public void SyntaxIsCheckedBeforeTypes()
    {
        // The type error comes first in the document, the syntax error wins.
        Assert.Equal("config.json: invalid JSON at line 1, column 23: unexpected character '}'", ErrorOf("""{"hostname":1,"x":[1,2}"""));
        // Raw invalid UTF-8 in a string that also has escapes is found by the syntax check, with its position.
        byte[] json = [.. "{\"hostname\":\"a\\n"u8, 0xFF, .. "\"}"u8];
        var e = Assert.Throws<SpecException>(() => SpecLoader.ParseConfig(json));
        Assert.Equal("config.json: invalid JSON at line 1, column 13: invalid UTF-8 in a string", e.Message);
    }

    // ------------------------------------------------------------------ writers: byte for byte what the context wrote

    [Fact]
    public void ResourcesWriteAsTheSourceGeneratedContextWroteThem()
    {
        var resources = SpecLoader.ParseConfig(FullConfig.Json).Linux!.Resources!;
        resources.Unified!["io.max"] = "8:0 rbps=1024 <é>";
        resources.Devices!.Add(null!);
        string expected = JsonSerializer.Serialize(resources, SpecJsonContext.Default.LinuxResources);
        Assert.Equal(expected, JsonOut.ToText(ResourceShapes.Resources, resources));
        Assert.Contains("\\u003C\\u00E9\\u003E", expected); // the default encoder, as state.json has always been written

        var empty = new LinuxResources { Memory = new LinuxMemory(), BlockIO = new LinuxBlockIO { WeightDevice = [new LinuxWeightDevice()] } };
        Assert.Equal(JsonSerializer.Serialize(empty, SpecJsonContext.Default.LinuxResources), JsonOut.ToText(ResourceShapes.Resources, empty));
    }

    [Fact]
    public void WrittenResourcesReadBackEqual()
    {
        var resources = SpecLoader.ParseConfig(FullConfig.Json).Linux!.Resources!;
        byte[] once = JsonOut.ToUtf8(ResourceShapes.Resources, resources);
        Assert.Equal(once, JsonOut.ToUtf8(ResourceShapes.Resources, SpecLoader.ParseResources(once)));
    }

    public static TheoryData<string> Styles => ["compact", "indented", "tabbed"];

    private static JsonStyle StyleOf(string name) => name switch
    {
        "compact" => SpecJson.Compact,
        "indented" => SpecJson.Indented,
        _ => SpecJson.Tabbed,
    };

    [Theory]
    [MemberData(nameof(Styles))]
    public void StateDocumentsWriteAsTheSourceGeneratedContextWroteThem(string styleName)
    {
        var style = StyleOf(styleName);
        var state = new State
        {
            OciVersion = "1.2.0", Id = "c1", Status = ContainerStatus.Running, Pid = 42, Bundle = "/b/é <x>",
            Annotations = new() { ["k"] = "v", ["n"] = null! },
        };
        Assert.Equal(JsonSerializer.Serialize(state, SpecJsonOracle.For(style).State), SpecJson.Serialize(state, style));
        state.Pid = 0;
        state.Annotations = null;
        Assert.Equal(JsonSerializer.Serialize(state, SpecJsonOracle.For(style).State), SpecJson.Serialize(state, style));

        var output = new ContainerStateOutput
        {
            OciVersion = "1.2.0", Id = "c1", Pid = 0, Status = "stopped", Bundle = "/b", Rootfs = "/b/rootfs",
            Created = "2024-05-06T07:08:09Z", Owner = "", Annotations = new() { ["a.b/c"] = "é" },
        };
        Assert.Equal(JsonSerializer.Serialize(output, SpecJsonOracle.For(style).ContainerStateOutput), SpecJson.Serialize(output, style));

        var message = new ContainerProcessState { OciVersion = "1.2.0", Fds = ["seccompFd"], Pid = 9, Metadata = "m", State = state };
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(message, SpecJsonOracle.For(style).ContainerProcessState), SpecJson.SerializeToUtf8(message, style));
        message.Metadata = null;
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(message, SpecJsonOracle.For(style).ContainerProcessState), SpecJson.SerializeToUtf8(message, style));
    }

    [Fact]
    public void HooksGetCompactStateWithNonAsciiAsIs()
    {
        var state = new State { OciVersion = "1.2.0", Id = "c", Status = "created", Pid = 5, Bundle = "/b/é" };
        Assert.Equal("{\"ociVersion\":\"1.2.0\",\"id\":\"c\",\"status\":\"created\",\"pid\":5,\"bundle\":\"/b/é\"}", SpecJson.Serialize(state));
        Assert.Equal(Encoding.UTF8.GetBytes(SpecJson.Serialize(state)), JsonOut.ToUtf8(StateShapes.State, state, SpecJson.Compact.Writer));
    }
}
