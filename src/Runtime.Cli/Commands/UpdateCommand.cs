using Runsharp.Container;
using Runsharp.Container.State;
using Runsharp.Container.Update;

namespace Runsharp.Cli.Commands;

/// <summary>`update [flags] ID` and `update --resources FILE|- ID`.</summary>
public static class UpdateCommand
{
    public static int Run(CommandContext c)
    {
        var cmd = c.Command;
        string id = cmd.ContainerId;
        // runc looks the container up before it reads any value.
        if (!c.Store.Exists(id)) throw StateStore.NotFound(id);
        var request = cmd.GetStringOrNull("resources") is { } source ? UpdateRequest.FromFile(source) : UpdateRequest.FromFlags(cmd);
        IntelRdt.Refuse(cmd.GetStringOrNull("l3-cache-schema"), cmd.GetStringOrNull("mem-bw-schema"));
        new UpdateOperation(c.Store, c.Debug, c.Warn).Run(id, request);
        return 0;
    }
}

/// <summary>Intel RDT (resctrl) schemas. runsharp does not manage resctrl groups: on a host without resctrl the
/// error is runc's; on one with it, a plain "not supported" rather than a silent no-op.</summary>
public static class IntelRdt
{
    public static void Refuse(string? l3CacheSchema, string? memBwSchema)
    {
        if (l3CacheSchema is not null && !Directory.Exists("/sys/fs/resctrl/info/L3"))
            throw new ContainerException("Intel RDT/CAT: l3 cache schema is not enabled");
        if (memBwSchema is not null && !Directory.Exists("/sys/fs/resctrl/info/MB"))
            throw new ContainerException("Intel RDT/MBA: memory bandwidth schema is not enabled");
        if (l3CacheSchema is not null || memBwSchema is not null)
            throw new ContainerException("Intel RDT schemas are not supported by runsharp");
    }
}
