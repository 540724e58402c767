using Runsharp.Cgroups;
using Runsharp.Container.State;
using Runsharp.Spec;

namespace Runsharp.Container.Update;

/// <summary>`update`: writes new limits into a live container's cgroup and saves them in state.json.</summary>
public sealed class UpdateOperation(StateStore store, Action<string>? debug = null, Action<string>? warn = null)
{
    public void Run(string id, LinuxResources request)
    {
        using var _ = store.Lock(id);
        var record = store.Read(id);
        // Created, running and paused containers can be updated; a stopped one has nothing left to limit.
        if (StatusProbe.Probe(store, record) is State.ContainerStatus.Stopped)
            throw new ContainerException("container not running");
        var current = record.Resources ?? SavedResources(id);
        var plan = ResourceMerge.Plan(current, request);
        foreach (var name in plan.Ignored)
            warn?.Invoke(name == "devices"
                ? "update cannot change device rules: linux.resources.devices is ignored"
                : $"kernel memory settings are ignored ({name})");
        if (ResourceMerge.IsEmpty(plan.Apply))
        {
            debug?.Invoke($"update {id}: nothing to change");
            return;
        }
        var cgroup = RecordedCgroup.Load(record)
            ?? throw new ContainerException("cannot update resources: the container has no cgroup (it could not join or create one)");
        try
        {
            cgroup.Set(plan.Apply);
        }
        catch (CgroupException)
        {
            Restore(cgroup, current);
            throw;
        }
        record.Resources = plan.Merged;
        store.Write(record);
        debug?.Invoke($"updated {id}");
    }

    /// <summary>Like runc, write the previous resources back after a failed update, so a half-applied request
    /// does not linger; a failure here is only a warning, the first error is the one reported.</summary>
    private void Restore(ICgroupManager cgroup, LinuxResources? previous)
    {
        if (previous is null) return;
        var back = ResourceMerge.Plan(null, previous).Apply;
        if (ResourceMerge.IsEmpty(back)) return;
        try { cgroup.Set(back); }
        catch (CgroupException e)
        {
            warn?.Invoke($"setting back cgroup configs failed due to error: {e.Message}, your state.json and actual configs might be inconsistent");
        }
    }

    /// <summary>linux.resources of the config.json copied into the state directory at create.</summary>
    private LinuxResources? SavedResources(string id)
    {
        try { return SpecLoader.LoadConfig(store.DirOf(id)).Linux?.Resources; }
        catch (SpecException e)
        {
            debug?.Invoke($"saved config of {id}: {e.Message}");
            return null;
        }
    }
}
