using System.Text;
using Runsharp.Container.Lifecycle;
using Runsharp.Spec;

namespace Runsharp.Cli.Commands;

/// <summary>`list`: a table like runc's (tab-aligned, min width 12, padding 3), JSON, or ids only.</summary>
public static class ListCommand
{
    public static int Run(CommandContext c)
    {
        var states = new ContainerOperations(c.Store, c.Debug, c.Warn).List();
        var cmd = c.Command;
        if (cmd.GetBool("quiet"))
        {
            Output.Write(string.Concat(states.Select(s => s.Id + "\n")));
            return 0;
        }
        string format = cmd.GetString("format");
        if (format == "json")
        {
            Output.Write(SpecJson.Serialize(states) + "\n");
            return 0;
        }
        if (format != "table") throw new ArgumentException($"invalid format option \"{format}\"");
        var rows = new List<string[]> { new[] { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" } };
        rows.AddRange(states.Select(s => new[] { s.Id, s.Pid.ToString(), s.Status, s.Bundle, s.Created, s.Owner }));
        Output.Write(Table(rows));
        return 0;
    }

    public static string Table(IReadOnlyList<string[]> rows)
    {
        int cols = rows[0].Length;
        var widths = new int[cols];
        for (int i = 0; i < cols - 1; i++) widths[i] = Math.Max(12, rows.Max(r => r[i].Length) + 3);
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            for (int i = 0; i < cols; i++) sb.Append(i < cols - 1 ? r[i].PadRight(widths[i]) : r[i]);
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
