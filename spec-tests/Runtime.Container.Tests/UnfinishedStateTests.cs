using Proc = System.Diagnostics.Process;
using Runsharp.Container.State;

namespace Runsharp.Container.Tests;

/// <summary>
/// The state of a container whose create has not finished (no state.json, or the early one without a pid):
/// "creating" while a create holds the directory's lock, "stopped" once nobody does; and how delete finds an
/// init that has exec.fifo open. No root needed: a temp state root and a shell holding the fifo.
/// </summary>
public sealed class UnfinishedStateTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "runsharp-state-" + Guid.NewGuid().ToString("N"));
    private readonly StateStore _store;

    public UnfinishedStateTests()
    {
        _store = new StateStore(_root);
        _store.EnsureRoot();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void NoStateJson_IsCreatingWhileTheLockIsHeld_StoppedOnceReleased()
    {
        var held = _store.CreateContainerDir("c1"); // what create holds from mkdir to its last write
        Assert.True(_store.IsLocked("c1"));
        Assert.Equal(ContainerStatus.Creating, StatusProbe.Probe(_store, "c1", null));
        // A caller that holds the lock itself (start, kill, delete) knows no create is at work.
        Assert.Equal(ContainerStatus.Stopped, StatusProbe.Probe(_store, "c1", null, locked: true));

        held.Dispose(); // the kernel does the same when a create is killed
        Assert.False(_store.IsLocked("c1"));
        Assert.Equal(ContainerStatus.Stopped, StatusProbe.Probe(_store, "c1", null));
    }

    [Fact]
    public void EarlyRecordWithoutPid_IsUnfinished_AndStoppedWithoutACreate()
    {
        using (_store.CreateContainerDir("c2"))
        {
            _store.Write(new ContainerRecord { Id = "c2", CgroupsPath = "/c2" });
            var record = _store.TryRead("c2");
            Assert.True(StatusProbe.IsUnfinished(record));
            Assert.Equal(ContainerStatus.Creating, StatusProbe.Probe(_store, "c2", record));
        }
        Assert.Equal(ContainerStatus.Stopped, StatusProbe.Probe(_store, "c2", _store.TryRead("c2")));
        Assert.False(StatusProbe.IsUnfinished(new ContainerRecord { Id = "c2", Pid = 42 }));
    }

    [Fact]
    public void ExecFifoHolders_FindsTheProcessThatHasTheFifoOpen()
    {
        using (_store.CreateContainerDir("c3")) { }
        var fifo = Path.Combine(_store.DirOf("c3"), StateStore.ExecFifo);
        using (var mkfifo = Proc.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        Assert.Empty(ExecFifoHolders.Find(fifo));

        // A shell opens it read-write (as the init does) and waits; the open of "ready" says it is there.
        var ready = Path.Combine(_root, "ready");
        using var holder = Proc.Start("/bin/sh", ["-c", $"exec 3<>'{fifo}'; touch '{ready}'; exec sleep 30"])!;
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!File.Exists(ready) && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.Equal([holder.Id], ExecFifoHolders.Find(fifo));
            Assert.True(ExecFifoHolders.Holds(holder.Id, fifo));
            Assert.False(ExecFifoHolders.Holds(Environment.ProcessId, fifo));
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
        Assert.Empty(ExecFifoHolders.Find(Path.Combine(_root, "no-such-fifo")));
    }
}
