using Runsharp.Container.Process;
using Runsharp.Container.Process.Plan;
using Runsharp.Container.Security;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Namespaces;

/// <summary>
/// A user namespace with given mappings, held by an fd, for MOUNT_ATTR_IDMAP. The kernel only makes user
/// namespaces for processes, so a throwaway child is cloned into a new one (it just blocks on a pipe), its maps are
/// written, its namespace file is opened, and it is killed and reaped. The fd keeps the namespace alive.
/// </summary>
public static class MappedUserNamespace
{
    public static int Open(List<LinuxIdMapping> uids, List<LinuxIdMapping> gids, string field)
    {
        var fds = new List<int>();
        int pid = -1;
        try
        {
            var (holdRead, holdWrite) = Posix.Pipe($"unable to create a pipe for the user namespace of {field}");
            fds.Add(holdRead); fds.Add(holdWrite);
            var (syncRead, syncWrite) = Posix.Pipe($"unable to create a pipe for the user namespace of {field}");
            fds.Add(syncRead); fds.Add(syncWrite);

            var plan = new PlanBuilder();
            plan.Step("wait", StepKind.ReadByte, holdRead);
            using (var native = plan.Build(syncWrite))
                pid = InitLauncher.Fork(native, Flags.CLONE_NEWUSER);

            ParentSideLimits.WriteIdMap(pid, "uid_map", uids, $"{field}.uidMappings");
            ParentSideLimits.WriteIdMap(pid, "gid_map", gids, $"{field}.gidMappings");
            int fd = Posix.TryOpen($"/proc/{pid}/ns/user", Flags.O_RDONLY | Flags.O_CLOEXEC);
            if (fd < 0) throw new ContainerException($"unable to open the user namespace for {field}: {Errno.Message(-fd)}");
            return fd;
        }
        finally
        {
            if (pid > 0)
            {
                Posix.Kill(pid, 9);
                Posix.WaitPid(pid, 0);
            }
            foreach (var fd in fds) Posix.Close(fd);
        }
    }
}
