using Runsharp.Container.State;
using Runsharp.Spec;

namespace Runsharp.Container.Tests;

/// <summary>
/// state.json as the hand-written writer makes it and the reader takes it: the same bytes the source-generated context
/// wrote (the two documents below were written by the binary before the change), so a container created by either
/// binary is managed by the other.
/// </summary>
public sealed class StateFileTests : IDisposable
{
    private const string WrittenBefore = """
        {"ociVersion":"1.2.0","id":"c1","pid":4242,"pidStartTime":18446744073709551615,"bundle":"/b/\u00FCndle \u003Cx\u003E \u0026 \u0027y\u0027 \u002Bz","rootfs":"/b/rootfs","created":"2024-05-06T07:08:09.123456789Z","owner":"","annotations":{"org.example/a":"v\u0022q\\ \u00E9 \u2028 \t","empty":""},"cgroupsPath":"/runsharp/c1","cgroupMode":"legacy","cgroupV1":{"memory":"/sys/fs/cgroup/memory/runsharp/c1","cpu,cpuacct":"/sys/fs/cgroup/cpu,cpuacct/runsharp/c1"},"cgroupUnified":"/sys/fs/cgroup/unified/runsharp/c1","cgroupCreatedDepth":2,"systemdCgroup":true,"resources":{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}],"memory":{"limit":104857600,"reservation":-1,"swap":-1,"kernel":0,"kernelTCP":1,"swappiness":60,"disableOOMKiller":true,"useHierarchy":false,"checkBeforeUpdate":true},"cpu":{"shares":1024,"quota":-1,"burst":5,"period":100000,"realtimeRuntime":-5,"realtimePeriod":7,"cpus":"0-1","mems":"0","idle":1},"pids":{"limit":100},"blockIO":{"weight":500,"leafWeight":300,"weightDevice":[{"major":8,"minor":0,"weight":100,"leafWeight":50}],"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],"throttleWriteBpsDevice":[{"major":8,"minor":1,"rate":2}],"throttleReadIOPSDevice":[{"major":8,"minor":2,"rate":3}],"throttleWriteIOPSDevice":[{"major":8,"minor":3,"rate":4}]},"hugepageLimits":[{"pageSize":"2MB","limit":209715200}],"network":{"classID":1048577,"priorities":[{"name":"eth0","priority":500}]},"rdma":{"mlx5_1":{"hcaHandles":3,"hcaObjects":10000}},"unified":{"memory.high":"max","io.weight":"default 100"}}}
        """;

    private const string MinimalWrittenBefore = """
        {"ociVersion":"1.0.2-dev","id":"c2","pid":1,"pidStartTime":0,"bundle":"/b","rootfs":"/b/rootfs","created":"2024-05-06T07:08:09Z","owner":"","cgroupCreatedDepth":0,"systemdCgroup":false}
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "runsharp-statefile-" + Guid.NewGuid().ToString("N"));
    private readonly StateStore _store;

    public StateFileTests()
    {
        _store = new StateStore(_root);
        _store.EnsureRoot();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string StatePath(string id) => Path.Combine(_root, id, StateStore.StateFile);

    [Theory]
    [InlineData("c1", WrittenBefore)]
    [InlineData("c2", MinimalWrittenBefore)]
    public void StateWrittenByThePreviousBinaryLoadsAndIsWrittenBackByteForByte(string id, string before)
    {
        _store.CreateContainerDir(id).Dispose();
        File.WriteAllText(StatePath(id), before);
        var record = _store.Read(id);
        _store.Write(record);
        Assert.Equal(before, File.ReadAllText(StatePath(id)));
    }

    [Fact]
    public void EveryMemberIsRead()
    {
        _store.CreateContainerDir("c1").Dispose();
        File.WriteAllText(StatePath("c1"), WrittenBefore);
        var r = _store.Read("c1");
        Assert.Equal(("1.2.0", "c1", 4242, ulong.MaxValue), (r.OciVersion, r.Id, r.Pid, r.PidStartTime));
        Assert.Equal("/b/\u00fcndle <x> & 'y' +z", r.Bundle);
        Assert.Equal(("/b/rootfs", "2024-05-06T07:08:09.123456789Z", ""), (r.Rootfs, r.Created, r.Owner));
        Assert.Equal("v\"q\\ \u00e9 \u2028 \t", r.Annotations!["org.example/a"]);
        Assert.Equal(("/runsharp/c1", "legacy", "/sys/fs/cgroup/unified/runsharp/c1"), (r.CgroupsPath, r.CgroupMode, r.CgroupUnified));
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/runsharp/c1", r.CgroupV1!["cpu,cpuacct"]);
        Assert.Equal((2, true), (r.CgroupCreatedDepth, r.SystemdCgroup));
        var res = r.Resources!;
        Assert.Equal(104857600, res.Memory!.Limit);
        Assert.Equal(3, res.BlockIO!.ThrottleWriteIOPSDevice![0].Minor);
        Assert.Equal(10000u, res.Rdma!["mlx5_1"].HcaObjects);
        Assert.Equal("default 100", res.Unified!["io.weight"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"pid\":\"1\"}")]
    [InlineData("{\"id\":null}")]
    [InlineData("{\"resources\":{\"memory\":{\"limit\":true}}}")]
    public void AnUnreadableStateFileIsNoContainer(string content)
    {
        _store.CreateContainerDir("c1").Dispose();
        File.WriteAllText(StatePath("c1"), content);
        Assert.Null(_store.TryRead("c1"));
    }
}
