using Runsharp.Container.Process.Plan;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Security;

/// <summary>
/// The user switch: keep capabilities across setuid (so capset can set exactly the spec's sets after),
/// supplementary groups, gid, uid, then umask and no_new_privs.
/// </summary>
public static class UserCompiler
{
    /// <param name="setgroupsAllowed">False in a user namespace whose setgroups file says "deny" (made by an
    /// unprivileged runtime): the kernel refuses setgroups there, so none is made, and asking for groups is an error.</param>
    public static void CompileSwitch(PlanBuilder plan, User user, bool setgroupsAllowed = true)
    {
        plan.Syscall("unable to keep capabilities across the user switch", Sys.prctl, Flags.PR_SET_KEEPCAPS, 1);
        var gids = user.AdditionalGids ?? [];
        if (!setgroupsAllowed && gids.Count > 0)
            throw new ContainerException("process.user.additionalGids: cannot set supplementary groups: setgroups is denied in a user namespace made without privileges");
        var list = new byte[Math.Max(4, gids.Count * 4)];
        for (int i = 0; i < gids.Count; i++) BitConverter.TryWriteBytes(list.AsSpan(i * 4), gids[i]);
        if (setgroupsAllowed)
            plan.Syscall("unable to set supplementary groups (process.user.additionalGids)", Sys.setgroups, gids.Count, plan.Bytes(list));
        plan.Syscall($"unable to set gid {user.Gid} (process.user.gid)", Sys.setresgid, user.Gid, user.Gid, user.Gid);
        plan.Syscall($"unable to set uid {user.Uid} (process.user.uid)", Sys.setresuid, user.Uid, user.Uid, user.Uid);
        plan.Syscall("unable to reset keep-capabilities", Sys.prctl, Flags.PR_SET_KEEPCAPS, 0);
    }

    public static void CompileUmask(PlanBuilder plan, User user) =>
        plan.Syscall("unable to set umask (process.user.umask)", Sys.umask, user.Umask ?? 0x12 /* 0022 */);

    public static void CompileNoNewPrivileges(PlanBuilder plan, OciProcess process)
    {
        if (process.NoNewPrivileges)
            plan.Syscall("unable to set no_new_privs (process.noNewPrivileges)", Sys.prctl, Flags.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }
}
