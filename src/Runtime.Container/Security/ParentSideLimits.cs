using Runsharp.Linux;
using Runsharp.Spec;

namespace Runsharp.Container.Security;

/// <summary>
/// Settings applied by the parent to the child's pid while it waits for "go": rlimits (prlimit) and
/// oom_score_adj. The parent still holds the host privileges these need; the child may not.
/// </summary>
public static class ParentSideLimits
{
    public static void Apply(int pid, OciProcess process)
    {
        var rlimits = process.Rlimits ?? [];
        for (int i = 0; i < rlimits.Count; i++)
        {
            var r = rlimits[i];
            if (!RlimitNames.TryGetNumber(r.Type, out int resource))
                throw new ContainerException($"process.rlimits[{i}].type: unknown rlimit \"{r.Type}\"");
            try { Posix.Prlimit(pid, resource, r.Soft, r.Hard, "prlimit"); }
            catch (LinuxException e)
            {
                throw new ContainerException($"unable to set {r.Type} to soft {r.Soft}, hard {r.Hard} (process.rlimits[{i}]): {Errno.Message(e.ErrorNumber)}");
            }
        }
        if (process.OomScoreAdj is int adj)
        {
            try { File.WriteAllText($"/proc/{pid}/oom_score_adj", adj.ToString()); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ContainerException($"unable to set oom_score_adj to {adj} (process.oomScoreAdj): {Describe(e)}");
            }
        }
    }

    /// <summary>uid_map / gid_map of a new user namespace, written before the child goes on.</summary>
    /// <param name="denySetgroups">An unprivileged runtime: the kernel accepts its gid_map only once setgroups is
    /// denied in the namespace (and then only the runtime's own gid).</param>
    public static void WriteIdMaps(int pid, Spec.Spec spec, bool denySetgroups = false)
    {
        if (denySetgroups)
        {
            try { File.WriteAllText($"/proc/{pid}/setgroups", "deny"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ContainerException($"unable to write setgroups (linux.gidMappings): {Describe(e)}");
            }
        }
        WriteIdMap(pid, "uid_map", spec.Linux?.UidMappings, "linux.uidMappings");
        WriteIdMap(pid, "gid_map", spec.Linux?.GidMappings, "linux.gidMappings");
    }

    /// <summary>Writes one uid_map or gid_map of <paramref name="pid"/>'s user namespace; errors name <paramref name="field"/>.</summary>
    public static void WriteIdMap(int pid, string file, List<LinuxIdMapping>? maps, string field)
    {
        if (maps is null || maps.Count == 0) throw new ContainerException($"{field}: a user namespace needs mappings");
        string text = string.Concat(maps.Select(m => $"{m.ContainerId} {m.HostId} {m.Size}\n"));
        try { File.WriteAllText($"/proc/{pid}/{file}", text); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string hint = Posix.Geteuid() != 0 ? " (without privileges only the caller's own id can be mapped, with size 1)" : "";
            throw new ContainerException($"unable to write {file} ({field}): {Describe(e)}{hint}");
        }
    }

    /// <summary>.NET's IO messages are not errno wording; map the common cases back.</summary>
    public static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        _ when e.HResult is int h && (h & 0xffff) is > 0 and < 200 => Errno.Message(h & 0xffff),
        _ => e.Message,
    };
}
