using System.Text;

namespace Runsharp.Cli.CommandLine;

/// <summary>Help text in urfave/cli v1's layout (NAME / USAGE / COMMANDS / OPTIONS), built from the table.</summary>
public static class HelpFormatter
{
    public static string AppHelp(string programName)
    {
        var sb = new StringBuilder();
        sb.Append("NAME:\n   ").Append(programName).Append(" - Open Container Initiative runtime, written in C#\n\n");
        sb.Append("USAGE:\n   ").Append(programName).Append(" [global options] command [command options] [arguments...]\n\n");
        sb.Append("VERSION:\n");
        foreach (var line in VersionInfo.Lines)
            sb.Append("   ").Append(line).Append('\n');
        sb.Append('\n');
        sb.Append("COMMANDS:\n");

        var rows = new List<(string Left, string Right)>();
        foreach (var command in CommandTable.Commands)
            rows.Add((command.Name, command.Usage));
        rows.Add(("help, h", CommandTable.HelpCommand.Usage));
        AppendRows(sb, rows);

        sb.Append("\nGLOBAL OPTIONS:\n");
        AppendFlags(sb, CommandTable.GlobalFlags);
        return sb.ToString();
    }

    public static string CommandHelp(string programName, CommandSpec command)
    {
        var sb = new StringBuilder();
        sb.Append("NAME:\n   ").Append(programName).Append(' ').Append(command.Name).Append(" - ").Append(command.Usage).Append("\n\n");
        sb.Append("USAGE:\n   ").Append(programName).Append(' ').Append(command.Name);
        if (command.Flags.Count > 0) sb.Append(" [command options]");
        if (command.ArgsUsage.Length > 0) sb.Append(' ').Append(command.ArgsUsage);
        sb.Append('\n');
        if (command.Description is not null)
            sb.Append("\nDESCRIPTION:\n   ").Append(command.Description).Append('\n');
        if (command.Flags.Count > 0)
        {
            sb.Append("\nOPTIONS:\n");
            AppendFlags(sb, command.Flags);
        }
        return sb.ToString();
    }

    private static void AppendFlags(StringBuilder sb, IReadOnlyList<FlagSpec> flags)
    {
        var rows = new List<(string Left, string Right)>();
        foreach (var flag in flags)
            if (!flag.Hidden) rows.Add((FlagNames(flag), FlagUsage(flag)));
        AppendRows(sb, rows);
    }

    private static void AppendRows(StringBuilder sb, List<(string Left, string Right)> rows)
    {
        int width = 0;
        foreach (var row in rows) width = Math.Max(width, row.Left.Length);
        foreach (var row in rows)
            sb.Append("   ").Append(row.Left.PadRight(width + 2)).Append(row.Right).Append('\n');
    }

    /// <summary>"--bundle value, -b value" like urfave: one dash for one-letter names.</summary>
    private static string FlagNames(FlagSpec flag)
    {
        string placeholder = flag.TakesValue ? " value" : "";
        var sb = new StringBuilder();
        sb.Append("--").Append(flag.Name).Append(placeholder);
        foreach (var alias in flag.Aliases)
            sb.Append(", ").Append(alias.Length == 1 ? "-" : "--").Append(alias).Append(placeholder);
        return sb.ToString();
    }

    private static string FlagUsage(FlagSpec flag)
    {
        string? shownDefault = flag.Kind switch
        {
            FlagKind.String when !string.IsNullOrEmpty(flag.DefaultValue) => GoStrings.Quote(flag.DefaultValue),
            FlagKind.Int when flag.DefaultValue is not null and not "0" => flag.DefaultValue,
            FlagKind.Duration => flag.DefaultValue,
            _ => null,
        };
        return shownDefault is null ? flag.Usage : $"{flag.Usage} (default: {shownDefault})";
    }
}
