using Runsharp.Cgroups;
using Runsharp.Container.Hooks;
using Runsharp.Container.State;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;
using ContainerStatus = Runsharp.Container.State.ContainerStatus;

namespace Runsharp.Container.Lifecycle;

/// <summary>start, kill, delete and state of an existing container. Each takes the container's lock.</summary>
public sealed class ContainerOperations(StateStore store, Action<string>? debug = null, Action<string>? warn = null)
{
    public ContainerStateOutput State(string id)
    {
        if (!store.Exists(id)) throw StateStore.NotFound(id);
        var record = store.TryRead(id);
        var status = StatusProbe.Probe(store, record);
        return Output(id, record, status);
    }

    /// <summary>Every container; the owner is the state directory's owner by name, as runc's list shows it.</summary>
    public IReadOnlyList<ContainerStateOutput> List() =>
        store.Ids().Where(Runsharp.Spec.ContainerIdValidator.IsValid).Select(id =>
        {
            var r = store.TryRead(id);
            var output = Output(id, r, StatusProbe.Probe(store, r));
            output.Owner = UserNames.OwnerOf(store.DirOf(id));
            return output;
        }).ToList();

    private static ContainerStateOutput Output(string id, ContainerRecord? r, ContainerStatus status) => new()
    {
        OciVersion = r?.OciVersion ?? "",
        Id = id,
        Pid = status is ContainerStatus.Stopped or ContainerStatus.Creating ? 0 : r!.Pid,
        Status = status.Name(),
        Bundle = r?.Bundle ?? "",
        Rootfs = r?.Rootfs ?? "",
        Created = r?.Created ?? "",
        Annotations = r?.Annotations,
        Owner = r?.Owner ?? "",
    };

    /// <summary>Releases the init blocked on exec.fifo.</summary>
    public void Start(string id)
    {
        using var _ = store.Lock(id);
        var record = store.Read(id);
        switch (StatusProbe.Probe(store, record))
        {
            case ContainerStatus.Created: break;
            case ContainerStatus.Stopped: throw new ContainerException("cannot start a container that has stopped");
            case ContainerStatus.Running: throw new ContainerException("cannot start an already running container");
            default: throw new ContainerException($"cannot start a container in the {StatusProbe.Probe(store, record).Name()} state");
        }
        var hooks = SavedSpec(id)?.Hooks;
        if (hooks?.StartContainer is { Count: > 0 } startHooks)
        {
            try { HookRunner.Run("startContainer", startHooks, HookState(record, Spec.ContainerStatus.Created), containerPid: record.Pid); }
            catch (ContainerException)
            {
                // The spec: a failed startContainer hook stops the container, then poststop runs.
                KillAndWait(record);
                HookRunner.RunAll("poststop", hooks.Poststop, HookState(record, Spec.ContainerStatus.Stopped), warn);
                throw;
            }
        }
        string fifo = Path.Combine(store.DirOf(id), StateStore.ExecFifo);
        int fd = Posix.TryOpen(fifo, Flags.O_WRONLY | Flags.O_NONBLOCK);
        if (fd < 0) throw new ContainerException(fd == -Errno.ENXIO ? "container not running" : $"unable to open {fifo}: {Errno.Message(-fd)}");
        try { Posix.WriteAll(fd, [0], $"unable to start the container: write {fifo}"); }
        finally { Posix.Close(fd); }
        File.Delete(fifo);
        debug?.Invoke($"started {id} (pid {record.Pid})");
        HookRunner.RunAll("poststart", hooks?.Poststart, HookState(record, Spec.ContainerStatus.Running), warn);
    }

    public void Kill(string id, int signal, bool all)
    {
        using var _ = store.Lock(id);
        var record = store.Read(id);
        var status = StatusProbe.Probe(store, record);
        var cgroup = ContainerCgroup.Of(record);
        if (all && cgroup is not null)
        {
            // As runc: a stopped container whose cgroup is gone has nothing left to signal, and that is fine.
            if (status is ContainerStatus.Stopped && !cgroup.Exists()) return;
            CgroupSignals.SignalAll(cgroup, signal, warn);
            return;
        }
        if (status is ContainerStatus.Stopped or ContainerStatus.Creating)
            throw new ContainerException("container not running");
        if (all) warn?.Invoke("the container has no cgroup: only its init is signalled");
        SignalInit(record, signal);
        // A process frozen by the v1 freezer cannot act on SIGKILL: let it die (runc does the same).
        if (signal == Flags.SIGKILL && status is ContainerStatus.Paused) Thaw(cgroup);
    }

    /// <summary>Signals the init through a pidfd opened and then checked against the recorded start time.</summary>
    private static void SignalInit(ContainerRecord record, int signal)
    {
        int pidfd = Posix.PidfdOpen(record.Pid);
        if (pidfd < 0) throw new ContainerException("container not running");
        try
        {
            if (!StatusProbe.IsAlive(record)) throw new ContainerException("container not running");
            int e = Posix.PidfdSendSignal(pidfd, signal);
            if (e == Errno.ESRCH) throw new ContainerException("container not running");
            if (e != 0) throw new ContainerException($"unable to signal the init: {Errno.Message(e)}");
        }
        finally { Posix.Close(pidfd); }
    }

    /// <summary>`pause`: freezes a running (or created, as runc allows) container and waits until it is frozen.</summary>
    public void Pause(string id)
    {
        using var _ = store.Lock(id);
        var record = store.Read(id);
        if (StatusProbe.Probe(store, record) is not (ContainerStatus.Running or ContainerStatus.Created))
            throw new ContainerException("container not running");
        var cgroup = ContainerCgroup.Of(record) ?? throw new ContainerException("cannot pause the container: it has no cgroup");
        cgroup.Freeze();
        debug?.Invoke($"paused {id}");
    }

    /// <summary>`resume`: thaws a paused container; it is running (or created) again once the kernel says so.</summary>
    public void Resume(string id)
    {
        using var _ = store.Lock(id);
        var record = store.Read(id);
        if (StatusProbe.Probe(store, record) is not ContainerStatus.Paused)
            throw new ContainerException("container not paused");
        ContainerCgroup.Of(record)!.Thaw();
        debug?.Invoke($"resumed {id}");
    }

    /// <summary>`ps`: every pid in the container's cgroup and below it (host pids, as runc lists them).</summary>
    public IReadOnlyList<int> Processes(string id)
    {
        if (!store.Exists(id)) throw StateStore.NotFound(id);
        var record = store.Read(id);
        var cgroup = ContainerCgroup.Of(record) ?? throw new ContainerException("unable to get all container pids: the container has no cgroup");
        if (StatusProbe.Probe(store, record) is ContainerStatus.Stopped && !cgroup.Exists()) return [];
        try { return cgroup.GetAllPids(); }
        catch (CgroupException e) { throw new ContainerException($"unable to get all container pids: {e.Message}"); }
    }

    public void Delete(string id, bool force)
    {
        if (!store.Exists(id))
        {
            // Like runc: forcing the delete of what is not there (even a malformed id) is not an error.
            if (force) return;
            throw StateStore.NotFound(id);
        }
        List<Hook>? poststop = null;
        ContainerRecord? deleted = null;
        using (var _ = store.Lock(id))
        {
            var record = store.TryRead(id);
            poststop = SavedSpec(id)?.Hooks?.Poststop;
            deleted = record;
            var status = StatusProbe.Probe(store, record);
            var cgroup = record is null ? null : ContainerCgroup.Of(record);
            if (record is not null && status is not ContainerStatus.Stopped)
            {
                // A created container is deleted without --force, as runc does (containerd's shim relies on it).
                if (!force && status is not ContainerStatus.Created) throw new ContainerException($"cannot delete container {id} that is not stopped: {status.Name()}");
                KillAndWait(record, status is ContainerStatus.Paused ? cgroup : null);
            }
            if (cgroup is not null)
            {
                // What is left (a container sharing the host's pid namespace, a forced delete) dies before the
                // cgroup goes. Only in a cgroup this container made, unless forced: a pre-existing one is shared.
                if (force || cgroup.CreatedDepth > 0) CgroupSignals.KillAll(cgroup, warn);
                cgroup.Destroy();
            }
            store.Remove(id);
        }
        debug?.Invoke($"deleted {id}");
        if (deleted is not null) HookRunner.RunAll("poststop", poststop, HookState(deleted, Spec.ContainerStatus.Stopped), warn);
    }

    /// <summary>The config saved at create (hooks are read from it later).</summary>
    private Spec.Spec? SavedSpec(string id)
    {
        try { return SpecLoader.LoadConfig(store.DirOf(id)); }
        catch (SpecException e) { debug?.Invoke($"saved config of {id}: {e.Message}"); return null; }
    }

    private static Spec.State HookState(ContainerRecord r, string status) => new()
    {
        OciVersion = r.OciVersion, Id = r.Id, Status = status, Pid = status == Spec.ContainerStatus.Stopped ? 0 : r.Pid,
        Bundle = r.Bundle, Annotations = r.Annotations,
    };

    /// <param name="frozen">The cgroup of a paused container: thawed after the SIGKILL, or a v1-frozen init never dies.</param>
    private void KillAndWait(ContainerRecord record, ICgroupManager? frozen = null)
    {
        int pidfd = Posix.PidfdOpen(record.Pid);
        if (pidfd < 0) return;
        try
        {
            if (!StatusProbe.IsAlive(record)) return;
            Posix.PidfdSendSignal(pidfd, Flags.SIGKILL);
            Thaw(frozen);
            if (!Posix.WaitForExit(pidfd, 10_000)) throw new ContainerException($"the init (pid {record.Pid}) did not exit after SIGKILL");
        }
        finally { Posix.Close(pidfd); }
    }

    private void Thaw(ICgroupManager? cgroup)
    {
        try { cgroup?.Thaw(); }
        catch (CgroupException e) { warn?.Invoke(e.Message); }
    }
}
