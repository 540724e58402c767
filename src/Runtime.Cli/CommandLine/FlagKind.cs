namespace Runsharp.Cli.CommandLine;

/// <summary>Value shapes a flag can take; mirrors the urfave/cli v1 flag types runc uses.</summary>
public enum FlagKind
{
    /// <summary>No separate value; <c>--x</c>, <c>--x=true|false</c>. May repeat.</summary>
    Bool,
    /// <summary>One string; the last occurrence wins.</summary>
    String,
    /// <summary>A Go-syntax integer (base prefixes 0x/0o/0b, underscores); the last occurrence wins.</summary>
    Int,
    /// <summary>Repeatable string; every occurrence is appended.</summary>
    StringList,
    /// <summary>Repeatable Go-syntax integer; every occurrence is appended.</summary>
    IntList,
    /// <summary>A Go duration such as <c>5s</c> or <c>1h30m</c>.</summary>
    Duration,
}
