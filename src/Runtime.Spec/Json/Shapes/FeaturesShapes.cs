namespace Runsharp.Spec;

/// <summary>What <c>features</c> prints (runtime-spec features.md, features-linux.md). Write only; null is left out.</summary>
public static class FeaturesShapes
{
    public static readonly JsonShape<FeaturesEnabled> Enabled = new(() => new FeaturesEnabled())
    {
        { "enabled", (w, n, e) => w.Bool(n, e.Enabled) },
    };

    public static readonly JsonShape<FeaturesCgroup> Cgroup = new(() => new FeaturesCgroup())
    {
        { "v1", (w, n, c) => w.Bool(n, c.V1) },
        { "v2", (w, n, c) => w.Bool(n, c.V2) },
        { "systemd", (w, n, c) => w.Bool(n, c.Systemd) },
        { "systemdUser", (w, n, c) => w.Bool(n, c.SystemdUser) },
        { "rdma", (w, n, c) => w.Bool(n, c.Rdma) },
    };

    public static readonly JsonShape<FeaturesSeccomp> Seccomp = new(() => new FeaturesSeccomp())
    {
        { "enabled", (w, n, s) => w.Bool(n, s.Enabled) },
        { "actions", (w, n, s) => w.Strings(n, s.Actions) },
        { "operators", (w, n, s) => w.Strings(n, s.Operators) },
        { "archs", (w, n, s) => w.Strings(n, s.Archs) },
        { "knownFlags", (w, n, s) => w.Strings(n, s.KnownFlags) },
        { "supportedFlags", (w, n, s) => w.Strings(n, s.SupportedFlags) },
    };

    public static readonly JsonShape<FeaturesIntelRdt> IntelRdt = new(() => new FeaturesIntelRdt())
    {
        { "enabled", (w, n, r) => w.Bool(n, r.Enabled) },
        { "schemata", (w, n, r) => w.Bool(n, r.Schemata) },
        { "monitoring", (w, n, r) => w.Bool(n, r.Monitoring) },
    };

    public static readonly JsonShape<FeaturesMemoryPolicy> MemoryPolicy = new(() => new FeaturesMemoryPolicy())
    {
        { "modes", (w, n, p) => w.Strings(n, p.Modes) },
        { "flags", (w, n, p) => w.Strings(n, p.Flags) },
    };

    public static readonly JsonShape<FeaturesMountExtensions> MountExtensions = new(() => new FeaturesMountExtensions())
    {
        { "idmap", (w, n, m) => w.Object(n, m.Idmap, Enabled) },
    };

    public static readonly JsonShape<FeaturesLinux> Linux = new(() => new FeaturesLinux())
    {
        { "namespaces", (w, n, l) => w.Strings(n, l.Namespaces) },
        { "capabilities", (w, n, l) => w.Strings(n, l.Capabilities) },
        { "cgroup", (w, n, l) => w.Object(n, l.Cgroup, Cgroup) },
        { "seccomp", (w, n, l) => w.Object(n, l.Seccomp, Seccomp) },
        { "apparmor", (w, n, l) => w.Object(n, l.Apparmor, Enabled) },
        { "selinux", (w, n, l) => w.Object(n, l.Selinux, Enabled) },
        { "intelRdt", (w, n, l) => w.Object(n, l.IntelRdt, IntelRdt) },
        { "memoryPolicy", (w, n, l) => w.Object(n, l.MemoryPolicy, MemoryPolicy) },
        { "mountExtensions", (w, n, l) => w.Object(n, l.MountExtensions, MountExtensions) },
        { "netDevices", (w, n, l) => w.Object(n, l.NetDevices, Enabled) },
    };

    public static readonly JsonShape<Features> Features = new(() => new Features())
    {
        { "ociVersionMin", (w, n, f) => w.String(n, f.OciVersionMin) },
        { "ociVersionMax", (w, n, f) => w.String(n, f.OciVersionMax) },
        { "hooks", (w, n, f) => w.Strings(n, f.Hooks) },
        { "mountOptions", (w, n, f) => w.Strings(n, f.MountOptions) },
        { "linux", (w, n, f) => w.Object(n, f.Linux, Linux) },
        { "annotations", (w, n, f) => w.Map(n, f.Annotations) },
        { "potentiallyUnsafeConfigAnnotations", (w, n, f) => w.Strings(n, f.PotentiallyUnsafeConfigAnnotations) },
    };
}
