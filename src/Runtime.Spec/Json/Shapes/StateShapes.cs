namespace Runsharp.Spec;

/// <summary>The state documents the runtime writes: hooks' stdin, <c>state</c>'s output, a seccomp listener's message.</summary>
public static class StateShapes
{
    /// <summary>The spec's state (hooks' stdin); pid is left out when 0, as in specs-go.</summary>
    public static readonly JsonShape<State> State = new(() => new State())
    {
        { "ociVersion", (w, n, s) => w.String(n, s.OciVersion) },
        { "id", (w, n, s) => w.String(n, s.Id) },
        { "status", (w, n, s) => w.String(n, s.Status) },
        { "pid", (w, n, s) => w.NonZero(n, s.Pid) },
        { "bundle", (w, n, s) => w.String(n, s.Bundle) },
        { "annotations", (w, n, s) => w.Map(n, s.Annotations) },
    };

    /// <summary>runc's <c>state</c> output and each element of <c>list --format json</c>: pid always written, annotations left out when empty (Go's omitempty).</summary>
    public static readonly JsonShape<ContainerStateOutput> Output = new(() => new ContainerStateOutput())
    {
        { "ociVersion", (w, n, s) => w.String(n, s.OciVersion) },
        { "id", (w, n, s) => w.String(n, s.Id) },
        { "pid", (w, n, s) => w.Number(n, s.Pid) },
        { "status", (w, n, s) => w.String(n, s.Status) },
        { "bundle", (w, n, s) => w.String(n, s.Bundle) },
        { "rootfs", (w, n, s) => w.String(n, s.Rootfs) },
        { "created", (w, n, s) => w.String(n, s.Created) },
        { "annotations", (w, n, s) => w.Map(n, s.Annotations is { Count: > 0 } a ? a : null) },
        { "owner", (w, n, s) => w.String(n, s.Owner) },
    };

    /// <summary>What a seccomp listener receives with the notify fd.</summary>
    public static readonly JsonShape<ContainerProcessState> ProcessState = new(() => new ContainerProcessState())
    {
        { "ociVersion", (w, n, s) => w.String(n, s.OciVersion) },
        { "fds", (w, n, s) => w.Strings(n, s.Fds) },
        { "pid", (w, n, s) => w.Number(n, s.Pid) },
        { "metadata", (w, n, s) => w.String(n, s.Metadata) },
        { "state", (w, n, s) => w.Object(n, s.State, State) },
    };
}
