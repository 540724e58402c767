namespace Runsharp.Cli.CommandLine;

/// <summary>A successfully parsed invocation: globals, the command, its flags and positionals.</summary>
public sealed class ParsedCommandLine
{
    internal ParsedCommandLine(GlobalOptions globals, CommandSpec command, FlagValues flags, IReadOnlyList<string> positionals)
    {
        Globals = globals;
        Command = command;
        Flags = flags;
        Positionals = positionals;
    }

    public GlobalOptions Globals { get; }
    public CommandSpec Command { get; }
    public string CommandName => Command.Name;
    public FlagValues Flags { get; }
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>Positional i, or null when there are fewer.</summary>
    public string? Arg(int index) => index < Positionals.Count ? Positionals[index] : null;

    /// <summary>The first positional; every command that takes one calls it the container id.</summary>
    public string ContainerId => Arg(0) ?? throw new InvalidOperationException($"\"{CommandName}\" takes no container id");

    public bool IsSet(string name) => Flags.IsSet(name);
    public string GetString(string name) => Flags.GetString(name);
    public string? GetStringOrNull(string name) => Flags.GetStringOrNull(name);
    public bool GetBool(string name) => Flags.GetBool(name);
    public int GetInt(string name) => Flags.GetInt(name);
    public TimeSpan GetDuration(string name) => Flags.GetDuration(name);
    public IReadOnlyList<string> GetList(string name) => Flags.GetList(name);
    public IReadOnlyList<long> GetIntList(string name) => Flags.GetIntList(name);
}
