namespace Runsharp.Cli.CommandLine;

/// <summary>
/// Declares one command: its flags, how many positionals it takes and how its help reads.
/// </summary>
public sealed class CommandSpec
{
    public CommandSpec(string name, string usage, string argsUsage, int minArgs, int maxArgs, FlagSpec[]? flags = null,
        bool stopAtFirstPositional = false, string? description = null)
    {
        Name = name;
        Usage = usage;
        ArgsUsage = argsUsage;
        MinArgs = minArgs;
        MaxArgs = maxArgs;
        Flags = flags ?? [];
        StopAtFirstPositional = stopAtFirstPositional;
        Description = description;
    }

    public string Name { get; }

    /// <summary>One line, shown in the command list.</summary>
    public string Usage { get; }

    /// <summary>The positional part of the usage line, e.g. <c>&lt;container-id&gt; [signal]</c>.</summary>
    public string ArgsUsage { get; }

    public int MinArgs { get; }

    /// <summary>Upper bound on positionals; <see cref="Unbounded"/> for none.</summary>
    public int MaxArgs { get; }

    public const int Unbounded = int.MaxValue;

    public IReadOnlyList<FlagSpec> Flags { get; }

    /// <summary>
    /// runc's SkipArgReorder: flags are read only up to the first positional; everything after the
    /// container id (even things that look like flags) belongs to the process (exec, ps).
    /// </summary>
    public bool StopAtFirstPositional { get; }

    public string? Description { get; }

    public FlagSpec? FindFlag(string name)
    {
        foreach (var flag in Flags)
            if (flag.HasName(name)) return flag;
        return null;
    }
}
