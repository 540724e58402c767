namespace Runsharp.Spec;

/// <summary>
/// A sysctl may only be set when the container has its own copy of it, i.e. the namespace that
/// scopes it is private. Same table as runc; whether a joined netns is the host's is the engine's call.
/// </summary>
internal static class SysctlRules
{
    private static readonly string[] IpcSysctls =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    ];

    public static void Check(Dictionary<string, string>? sysctl, HashSet<string> namespaces, SpecValidationResult result)
    {
        if (sysctl is null) return;
        foreach (var (rawKey, _) in sysctl)
        {
            string path = $"linux.sysctl[{SpecValidator.Quote(rawKey)}]";
            string key = ToDotted(rawKey);
            if (key.Length == 0 || key.Contains("..") || key.StartsWith('.') || key.EndsWith('.'))
            {
                result.Error(path, "invalid sysctl name");
            }
            else if (IpcSysctls.Contains(key) || key.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            {
                if (!namespaces.Contains(NamespaceTypes.Ipc)) result.Error(path, "requires a private ipc namespace");
            }
            else if (key.StartsWith("net.", StringComparison.Ordinal))
            {
                if (!namespaces.Contains(NamespaceTypes.Network)) result.Error(path, "requires a private network namespace");
            }
            else if (key == "kernel.hostname")
            {
                result.Error(path, namespaces.Contains(NamespaceTypes.Uts)
                    ? "conflicts with the hostname field, set that instead"
                    : "requires a private uts namespace");
            }
            else if (key == "kernel.domainname")
            {
                if (!namespaces.Contains(NamespaceTypes.Uts)) result.Error(path, "requires a private uts namespace");
            }
            else if (key.StartsWith("user.", StringComparison.Ordinal))
            {
                if (!namespaces.Contains(NamespaceTypes.User)) result.Error(path, "requires a user namespace");
            }
            else
            {
                result.Error(path, "is not namespaced, so a container may not set it");
            }
        }
    }

    /// <summary>
    /// "net/ipv4/ip_forward" and "net.ipv4.ip_forward" name the same file. If the first separator is a
    /// slash, dots and slashes swap (a dot can then be part of a name, e.g. an interface "eth0.100").
    /// </summary>
    internal static string ToDotted(string key)
    {
        int first = key.IndexOfAny(['.', '/']);
        if (first < 0 || key[first] == '.') return key;
        return string.Create(key.Length, key, static (span, k) =>
        {
            for (int i = 0; i < k.Length; i++) span[i] = k[i] switch { '/' => '.', '.' => '/', var c => c };
        });
    }
}
