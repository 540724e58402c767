namespace Runsharp.Spec;

/// <summary>The root of config.json, its root filesystem, mounts and hooks. Read only.</summary>
/// <remarks>Sections for other platforms (windows, solaris, vm, zos, freebsd) are unknown members, skipped.</remarks>
public static class SpecShapes
{
    public static readonly JsonShape<Root> Root = new(() => new Root())
    {
        { "path", (ref j, r) => r.Path = j.String() },
        { "readonly", (ref j, r) => r.Readonly = j.Bool() },
    };

    public static readonly JsonShape<Mount> Mount = new(() => new Mount())
    {
        { "destination", (ref j, m) => m.Destination = j.String() },
        { "type", (ref j, m) => m.Type = j.StringOrNull() },
        { "source", (ref j, m) => m.Source = j.StringOrNull() },
        { "options", (ref j, m) => m.Options = j.StringListOrNull() },
        { "uidMappings", (ref j, m) => m.UidMappings = j.ListOrNull(LinuxShapes.IdMapping) },
        { "gidMappings", (ref j, m) => m.GidMappings = j.ListOrNull(LinuxShapes.IdMapping) },
    };

    public static readonly JsonShape<Hook> Hook = new(() => new Hook())
    {
        { "path", (ref j, h) => h.Path = j.String() },
        { "args", (ref j, h) => h.Args = j.StringListOrNull() },
        { "env", (ref j, h) => h.Env = j.StringListOrNull() },
        { "timeout", (ref j, h) => h.Timeout = j.Int32OrNull() },
    };

    public static readonly JsonShape<Hooks> Hooks = new(() => new Hooks())
    {
        { "prestart", (ref j, h) => h.Prestart = j.ListOrNull(Hook) },
        { "createRuntime", (ref j, h) => h.CreateRuntime = j.ListOrNull(Hook) },
        { "createContainer", (ref j, h) => h.CreateContainer = j.ListOrNull(Hook) },
        { "startContainer", (ref j, h) => h.StartContainer = j.ListOrNull(Hook) },
        { "poststart", (ref j, h) => h.Poststart = j.ListOrNull(Hook) },
        { "poststop", (ref j, h) => h.Poststop = j.ListOrNull(Hook) },
    };

    public static readonly JsonShape<Spec> Spec = new(() => new Spec())
    {
        { "ociVersion", (ref j, s) => s.OciVersion = j.String() },
        { "process", (ref j, s) => s.Process = j.ObjectOrNull(ProcessShapes.Process) },
        { "root", (ref j, s) => s.Root = j.ObjectOrNull(Root) },
        { "hostname", (ref j, s) => s.Hostname = j.StringOrNull() },
        { "domainname", (ref j, s) => s.Domainname = j.StringOrNull() },
        { "mounts", (ref j, s) => s.Mounts = j.ListOrNull(Mount) },
        { "hooks", (ref j, s) => s.Hooks = j.ObjectOrNull(Hooks) },
        { "annotations", (ref j, s) => s.Annotations = j.StringMapOrNull() },
        { "linux", (ref j, s) => s.Linux = j.ObjectOrNull(LinuxShapes.Linux) },
    };
}
