using System.Text;
using Runsharp.Container;
using Runsharp.Container.Lifecycle;
using Runsharp.Container.Process;

namespace Runsharp.Cli.Commands;

/// <summary>
/// `ps [--format table|json] ID [ps options]`, as runc does it: json is the container's host pids (`null` when
/// there are none, Go's encoding of an empty list); table runs the host's ps (default `-ef`) and keeps its header
/// plus the lines whose PID column is one of the container's pids.
/// </summary>
public static class PsCommand
{
    public static int Run(CommandContext c)
    {
        var pids = new ContainerOperations(c.Store, c.Debug, c.Warn).Processes(c.Command.ContainerId);
        switch (c.Command.GetString("format"))
        {
            case "table":
                break;
            case "json":
                Output.Write(Json(pids));
                return 0;
            default:
                throw new ContainerException("invalid format option");
        }
        var psArgs = c.Command.Positionals.Skip(1).ToList();
        if (psArgs.Count == 0) psArgs.Add("-ef");
        var ps = HostCommand.Run("ps", psArgs);
        if (!ps.Succeeded) throw new ContainerException($"{ps.Describe()}: {ps.Output}");
        Output.Write(FilterTable(ps.Output, pids));
        return 0;
    }

    public static string Json(IReadOnlyList<int> pids) =>
        pids.Count == 0 ? "null\n" : "[" + string.Join(',', pids) + "]\n";

    /// <summary>The header line and the lines of <paramref name="psOutput"/> that belong to <paramref name="pids"/>.</summary>
    public static string FilterTable(string psOutput, IReadOnlyCollection<int> pids)
    {
        var lines = psOutput.Split('\n');
        int pidColumn = Array.IndexOf(Fields(lines[0]), "PID");
        if (pidColumn < 0) throw new ContainerException("couldn't find PID field in ps output");
        var wanted = pids.ToHashSet();
        var sb = new StringBuilder(lines[0]).Append('\n');
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var fields = Fields(line);
            // A line too short to have the column cannot be one of ours (runc would crash on it).
            if (pidColumn >= fields.Length) continue;
            if (!int.TryParse(fields[pidColumn], out int pid))
                throw new ContainerException($"unable to parse pid: \"{fields[pidColumn]}\" is not a number");
            if (wanted.Contains(pid)) sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    static string[] Fields(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
