namespace Runsharp.Spec;

/// <summary>The root of config.json, its root filesystem, mounts and hooks. Read, and written by <c>spec</c>.</summary>
/// <remarks>Sections for other platforms (windows, solaris, vm, zos, freebsd) are unknown members, skipped.</remarks>
public static class SpecShapes
{
    public static readonly JsonShape<Root> Root = new(() => new Root())
    {
        { "path", (ref j, r) => r.Path = j.String(), (w, n, r) => w.String(n, r.Path) },
        { "readonly", (ref j, r) => r.Readonly = j.Bool(), (w, n, r) => w.TrueOnly(n, r.Readonly) },
    };

    public static readonly JsonShape<Mount> Mount = new(() => new Mount())
    {
        { "destination", (ref j, m) => m.Destination = j.String(), (w, n, m) => w.String(n, m.Destination) },
        { "type", (ref j, m) => m.Type = j.StringOrNull(), (w, n, m) => w.String(n, m.Type) },
        { "source", (ref j, m) => m.Source = j.StringOrNull(), (w, n, m) => w.String(n, m.Source) },
        { "options", (ref j, m) => m.Options = j.StringListOrNull(), (w, n, m) => w.Strings(n, m.Options) },
        { "uidMappings", (ref j, m) => m.UidMappings = j.ListOrNull(LinuxShapes.IdMapping), (w, n, m) => w.List(n, m.UidMappings, LinuxShapes.IdMapping) },
        { "gidMappings", (ref j, m) => m.GidMappings = j.ListOrNull(LinuxShapes.IdMapping), (w, n, m) => w.List(n, m.GidMappings, LinuxShapes.IdMapping) },
    };

    public static readonly JsonShape<Hook> Hook = new(() => new Hook())
    {
        { "path", (ref j, h) => h.Path = j.String(), (w, n, h) => w.String(n, h.Path) },
        { "args", (ref j, h) => h.Args = j.StringListOrNull(), (w, n, h) => w.Strings(n, h.Args) },
        { "env", (ref j, h) => h.Env = j.StringListOrNull(), (w, n, h) => w.Strings(n, h.Env) },
        { "timeout", (ref j, h) => h.Timeout = j.Int32OrNull(), (w, n, h) => w.Number(n, h.Timeout) },
    };

    public static readonly JsonShape<Hooks> Hooks = new(() => new Hooks())
    {
        { "prestart", (ref j, h) => h.Prestart = j.ListOrNull(Hook), (w, n, h) => w.List(n, h.Prestart, Hook) },
        { "createRuntime", (ref j, h) => h.CreateRuntime = j.ListOrNull(Hook), (w, n, h) => w.List(n, h.CreateRuntime, Hook) },
        { "createContainer", (ref j, h) => h.CreateContainer = j.ListOrNull(Hook), (w, n, h) => w.List(n, h.CreateContainer, Hook) },
        { "startContainer", (ref j, h) => h.StartContainer = j.ListOrNull(Hook), (w, n, h) => w.List(n, h.StartContainer, Hook) },
        { "poststart", (ref j, h) => h.Poststart = j.ListOrNull(Hook), (w, n, h) => w.List(n, h.Poststart, Hook) },
        { "poststop", (ref j, h) => h.Poststop = j.ListOrNull(Hook), (w, n, h) => w.List(n, h.Poststop, Hook) },
    };

    public static readonly JsonShape<Spec> Spec = new(() => new Spec())
    {
        { "ociVersion", (ref j, s) => s.OciVersion = j.String(), (w, n, s) => w.String(n, s.OciVersion) },
        { "process", (ref j, s) => s.Process = j.ObjectOrNull(ProcessShapes.Process), (w, n, s) => w.Object(n, s.Process, ProcessShapes.Process) },
        { "root", (ref j, s) => s.Root = j.ObjectOrNull(Root), (w, n, s) => w.Object(n, s.Root, Root) },
        { "hostname", (ref j, s) => s.Hostname = j.StringOrNull(), (w, n, s) => w.String(n, s.Hostname) },
        { "domainname", (ref j, s) => s.Domainname = j.StringOrNull(), (w, n, s) => w.String(n, s.Domainname) },
        { "mounts", (ref j, s) => s.Mounts = j.ListOrNull(Mount), (w, n, s) => w.List(n, s.Mounts, Mount) },
        { "hooks", (ref j, s) => s.Hooks = j.ObjectOrNull(Hooks), (w, n, s) => w.Object(n, s.Hooks, Hooks) },
        { "annotations", (ref j, s) => s.Annotations = j.StringMapOrNull(), (w, n, s) => w.Map(n, s.Annotations) },
        { "linux", (ref j, s) => s.Linux = j.ObjectOrNull(LinuxShapes.Linux), (w, n, s) => w.Object(n, s.Linux, LinuxShapes.Linux) },
    };
}
