using Runsharp.Linux;
using Runsharp.Spec;

namespace Runsharp.Cli.Commands;

/// <summary>`spec`: writes a starter config.json, as `runc spec` does; never overwrites one.</summary>
public static class SpecCommand
{
    public static int Run(CommandContext c)
    {
        string bundle = c.Command.GetStringOrNull("bundle") ?? Directory.GetCurrentDirectory();
        string path = Path.Combine(bundle, "config.json");
        if (File.Exists(path)) throw new IOException("File config.json exists. Remove it first.");
        bool rootless = c.Command.GetBool("rootless");
        var spec = DefaultSpec.Create(rootless, (uint)Posix.Getuid(), (uint)Posix.Getgid());
        File.WriteAllText(path, SpecJson.Serialize(spec, SpecJson.Tabbed));
        return 0;
    }
}
