namespace Runsharp.Spec;

/// <summary>Rules for <c>linux</c> and the fields whose meaning depends on its namespaces (hostname, sysctl).</summary>
internal static class LinuxRules
{
    public static void Check(Spec spec, SpecValidationResult result)
    {
        var linux = spec.Linux;
        var namespaces = CheckNamespaces(linux?.Namespaces, result);
        bool Has(string type) => namespaces.Contains(type);

        // Matches runc: a hostname needs a uts namespace of the container's own (new or joined).
        if (!string.IsNullOrEmpty(spec.Hostname) && !Has(NamespaceTypes.Uts))
        {
            result.Error("hostname", "requires a private uts namespace");
        }
        if (!string.IsNullOrEmpty(spec.Domainname) && !Has(NamespaceTypes.Uts))
        {
            result.Error("domainname", "requires a private uts namespace");
        }
        if (linux is null) return;

        CheckUserNamespace(linux, Has(NamespaceTypes.User), result);
        CheckTimeNamespace(linux, Has(NamespaceTypes.Time), result);
        CheckPathList(linux.MaskedPaths, "linux.maskedPaths", result);
        CheckPathList(linux.ReadonlyPaths, "linux.readonlyPaths", result);
        if ((linux.MaskedPaths is { Count: > 0 } || linux.ReadonlyPaths is { Count: > 0 }) && !Has(NamespaceTypes.Mount))
        {
            result.Error("linux", "maskedPaths and readonlyPaths require a private mount namespace");
        }
        SysctlRules.Check(linux.Sysctl, namespaces, result);
        CheckDevices(linux.Devices, result);
        ResourceRules.Check(linux.Resources, result);
        SeccompRules.Check(linux.Seccomp, result);

        if (linux.RootfsPropagation is { Length: > 0 } propagation && !PropagationModes.Contains(propagation))
        {
            result.Error("linux.rootfsPropagation", $"unknown propagation {SpecValidator.Quote(propagation)}");
        }
        if (linux.Personality is { } personality && personality.Domain is not ("LINUX" or "LINUX32"))
        {
            result.Error("linux.personality.domain", $"unknown domain {SpecValidator.Quote(personality.Domain)}");
        }
        if (linux.IntelRdt?.ClosId is { } clos && (clos is "." or ".." || clos.Contains('/')))
        {
            result.Error("linux.intelRdt.closID", $"invalid {SpecValidator.Quote(clos)}");
        }
        CheckMemoryPolicy(linux.MemoryPolicy, result);
        CheckNetDevices(linux.NetDevices, Has(NamespaceTypes.Network), result);
    }

    private static readonly string[] PropagationModes =
        ["private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"];

    /// <summary>Returns the set of valid namespace types present.</summary>
    private static HashSet<string> CheckNamespaces(List<LinuxNamespace>? list, SpecValidationResult result)
    {
        var seen = new HashSet<string>();
        if (list is null) return seen;
        for (int i = 0; i < list.Count; i++)
        {
            string path = $"linux.namespaces[{i}]";
            var ns = list[i];
            if (ns is null) { result.Error(path, "must be an object"); continue; }
            if (!NamespaceTypes.All.Contains(ns.Type))
            {
                result.Error($"{path}.type", $"unknown namespace type {SpecValidator.Quote(ns.Type)}");
            }
            else if (!seen.Add(ns.Type))
            {
                result.Error($"{path}.type", $"duplicate namespace type {SpecValidator.Quote(ns.Type)}");
            }
            if (!string.IsNullOrEmpty(ns.Path) && !SpecValidator.IsAbsolute(ns.Path))
            {
                result.Error($"{path}.path", $"must be an absolute path, got {SpecValidator.Quote(ns.Path)}");
            }
        }
        return seen;
    }

    private static void CheckUserNamespace(Linux linux, bool hasUserNs, SpecValidationResult result)
    {
        bool hasMappings = linux.UidMappings is not null || linux.GidMappings is not null;
        if (hasUserNs)
        {
            bool joins = linux.Namespaces!.Any(n => n?.Type == NamespaceTypes.User && !string.IsNullOrEmpty(n.Path));
            if (!joins && !hasMappings)
            {
                result.Error("linux.namespaces", "a new user namespace needs linux.uidMappings and linux.gidMappings");
            }
            else if (!joins && (linux.UidMappings is not { Count: > 0 } || linux.GidMappings is not { Count: > 0 }))
            {
                result.Error("linux", "uidMappings and gidMappings must both be set for a new user namespace");
            }
        }
        else if (hasMappings)
        {
            result.Error("linux", "uidMappings and gidMappings require a user namespace");
        }
        CheckMappings(linux.UidMappings, "linux.uidMappings", result);
        CheckMappings(linux.GidMappings, "linux.gidMappings", result);
    }

    private static void CheckMappings(List<LinuxIdMapping>? mappings, string path, SpecValidationResult result)
    {
        if (mappings is null) return;
        for (int i = 0; i < mappings.Count; i++)
        {
            if (mappings[i] is { Size: 0 }) result.Error($"{path}[{i}].size", "must not be 0");
        }
    }

    private static void CheckTimeNamespace(Linux linux, bool hasTimeNs, SpecValidationResult result)
    {
        if (linux.TimeOffsets is null) return;
        if (!hasTimeNs)
        {
            result.Error("linux.timeOffsets", "requires a time namespace");
            return;
        }
        if (linux.Namespaces!.Any(n => n?.Type == NamespaceTypes.Time && !string.IsNullOrEmpty(n.Path)))
        {
            result.Error("linux.timeOffsets", "cannot be set when joining an existing time namespace");
        }
        foreach (var (clock, offset) in linux.TimeOffsets)
        {
            if (clock is not ("monotonic" or "boottime"))
            {
                result.Error($"linux.timeOffsets[{SpecValidator.Quote(clock)}]", "unknown clock (expected monotonic or boottime)");
            }
            else if (offset is { Nanosecs: >= 1_000_000_000 })
            {
                result.Error($"linux.timeOffsets.{clock}.nanosecs", $"{offset.Nanosecs} is out of range (0 to 999999999)");
            }
        }
    }

    private static void CheckPathList(List<string>? paths, string path, SpecValidationResult result)
    {
        if (paths is null) return;
        for (int i = 0; i < paths.Count; i++)
        {
            if (!SpecValidator.IsAbsolute(paths[i]))
            {
                result.Error($"{path}[{i}]", $"must be an absolute path, got {SpecValidator.Quote(paths[i] ?? "")}");
            }
        }
    }

    private static void CheckDevices(List<LinuxDevice>? devices, SpecValidationResult result)
    {
        if (devices is null) return;
        for (int i = 0; i < devices.Count; i++)
        {
            string path = $"linux.devices[{i}]";
            var device = devices[i];
            if (device is null) { result.Error(path, "must be an object"); continue; }
            if (!SpecValidator.IsAbsolute(device.Path))
            {
                result.Error($"{path}.path", string.IsNullOrEmpty(device.Path) ? "must be set" : $"must be an absolute path, got {SpecValidator.Quote(device.Path)}");
            }
            if (device.Type is not ("c" or "b" or "u" or "p"))
            {
                result.Error($"{path}.type", $"must be one of c, b, u, p, got {SpecValidator.Quote(device.Type)}");
            }
            // The kernel's dev_t has 12 bits of major and 20 of minor; -1 is a wildcard only in device cgroup rules.
            if (device.Type is "c" or "b" or "u")
            {
                if (device.Major is < 0 or > 0xFFF) result.Error($"{path}.major", $"{device.Major} is out of range (0 to 4095)");
                if (device.Minor is < 0 or > 0xFFFFF) result.Error($"{path}.minor", $"{device.Minor} is out of range (0 to 1048575)");
            }
            if (device.FileMode is > 0xFFF)
            {
                result.Error($"{path}.fileMode", $"{device.FileMode} has bits beyond permissions (07777)");
            }
        }
    }

    private static readonly string[] MemoryPolicyModes =
    [
        "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
        "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
    ];

    private static readonly string[] MemoryPolicyFlags = ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"];

    private static void CheckMemoryPolicy(LinuxMemoryPolicy? policy, SpecValidationResult result)
    {
        if (policy is null) return;
        if (!MemoryPolicyModes.Contains(policy.Mode))
        {
            result.Error("linux.memoryPolicy.mode", $"unknown mode {SpecValidator.Quote(policy.Mode)}");
        }
        else if (policy.Mode is "MPOL_DEFAULT" or "MPOL_LOCAL" && !string.IsNullOrEmpty(policy.Nodes))
        {
            result.Error("linux.memoryPolicy.nodes", $"must be empty for {policy.Mode}");
        }
        else if (policy.Mode is "MPOL_BIND" or "MPOL_INTERLEAVE" or "MPOL_WEIGHTED_INTERLEAVE" or "MPOL_PREFERRED_MANY"
                 && string.IsNullOrEmpty(policy.Nodes))
        {
            result.Error("linux.memoryPolicy.nodes", $"must name at least one node for {policy.Mode}");
        }
        for (int i = 0; policy.Flags is not null && i < policy.Flags.Count; i++)
        {
            if (!MemoryPolicyFlags.Contains(policy.Flags[i]))
            {
                result.Error($"linux.memoryPolicy.flags[{i}]", $"unknown flag {SpecValidator.Quote(policy.Flags[i] ?? "")}");
            }
        }
    }

    private static void CheckNetDevices(Dictionary<string, LinuxNetDevice>? devices, bool hasNetNs, SpecValidationResult result)
    {
        if (devices is not { Count: > 0 }) return;
        if (!hasNetNs) result.Error("linux.netDevices", "requires a network namespace");
        foreach (var (name, device) in devices)
        {
            if (!IsInterfaceName(name))
            {
                result.Error($"linux.netDevices[{SpecValidator.Quote(name)}]", "invalid network device name");
            }
            if (device?.Name is { Length: > 0 } newName && !IsInterfaceName(newName))
            {
                result.Error($"linux.netDevices[{SpecValidator.Quote(name)}].name", $"invalid network device name {SpecValidator.Quote(newName)}");
            }
        }
    }

    // IFNAMSIZ is 16 including the terminating NUL.
    private static bool IsInterfaceName(string name) =>
        name.Length is > 0 and <= 15 && name is not ("." or "..") && name.IndexOfAny(['/', ':', ' ']) < 0;
}
