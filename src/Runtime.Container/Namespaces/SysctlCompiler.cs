using System.Text;
using Runsharp.Container.Mounts;
using Runsharp.Container.Process.Plan;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Namespaces;

/// <summary>
/// linux.sysctl: only keys that belong to a namespace the container has of its own (ipc, network, uts)
/// may be set; anything else would change the host. Written through the container's /proc/sys after pivot_root.
/// </summary>
public static class SysctlCompiler
{
    private static readonly HashSet<string> IpcKeys =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    ];

    /// <summary>Which namespace a key lives in, or null when it is global.</summary>
    public static string? NamespaceOf(string key)
    {
        if (IpcKeys.Contains(key) || key.StartsWith("fs.mqueue.", StringComparison.Ordinal)) return NamespaceTypes.Ipc;
        if (key.StartsWith("net.", StringComparison.Ordinal)) return NamespaceTypes.Network;
        if (key is "kernel.hostname" or "kernel.domainname") return NamespaceTypes.Uts;
        return null;
    }

    public static void Compile(PlanBuilder plan, IReadOnlyDictionary<string, string>? sysctl, NamespaceSetup namespaces)
    {
        if (sysctl is null || sysctl.Count == 0) return;
        var steps = new MountSteps(plan);
        var procfs = new ProcfsSteps(steps);
        // Every key is opened below one fd on the container's /proc/sys without crossing a mount (CVE-2025-52881
        // class: a file bound over a sysctl would otherwise take the write meant for the kernel), and both the
        // directory and each file are proven to be procfs (a rootfs without a proc mount has no /proc/sys to write).
        var procSys = procfs.OpenDirectory("proc/sys", root: false, "linux.sysctl");
        foreach (var (key, value) in sysctl.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string field = $"linux.sysctl[\"{key}\"]";
            if (key.Length == 0 || key.Contains('/') || key.Split('.').Any(p => p is "" or ".."))
                throw new ContainerException($"{field}: invalid sysctl name");
            string? ns = NamespaceOf(key);
            if (ns is null || !namespaces.Has(ns))
                throw new ContainerException($"{field}: sysctl \"{key}\" is not in a separate kernel namespace");
            string what = $"unable to set sysctl {key}={value} ({field})";
            var fd = procfs.OpenFileForWriting(procSys, key.Replace('.', '/'), "/proc/sys/" + key.Replace('.', '/'), what, field);
            var bytes = Encoding.UTF8.GetBytes(value);
            plan.Syscall(what, Sys.write, fd, plan.Bytes(bytes), bytes.Length);
            steps.Close(fd);
        }
        steps.Close(procSys);
    }
}
