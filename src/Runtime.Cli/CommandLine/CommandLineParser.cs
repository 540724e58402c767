using Runsharp.Cli.Logging;

namespace Runsharp.Cli.CommandLine;

/// <summary>
/// Parses argv the way runc's urfave/cli v1 + Go flag package do:
/// <list type="bullet">
/// <item>global flags come before the command name and stop at the first non-flag;</item>
/// <item><c>-name</c> and <c>--name</c> are the same; values as <c>--f v</c> or <c>--f=v</c>; a non-bool flag
/// takes the next argument even if it starts with '-' (as Go does);</item>
/// <item>bools take no separate value, only <c>--b=false</c>; repeats are fine;</item>
/// <item>for most commands flags may follow positionals (urfave's reordering); <c>exec</c>/<c>ps</c> stop
/// at the first positional; <c>--</c> ends flags everywhere.</item>
/// </list>
/// Unlike urfave's reordering, which guesses whether a flag takes a value, ours knows each flag's kind,
/// so <c>kill ID -a 9</c> means what it says. Results agree on every argv that urfave gets right.
/// </summary>
public sealed class CommandLineParser
{
    private readonly string _programName;

    /// <param name="programName">Used in runc-style messages (<c>runsharp: "start" requires ...</c>).</param>
    public CommandLineParser(string programName = "runsharp")
    {
        _programName = programName;
    }

    public static ParseResult ParseArgs(IReadOnlyList<string> args) => new CommandLineParser().Parse(args);

    public ParseResult Parse(IReadOnlyList<string> args)
    {
        var globalValues = new FlagValues(CommandTable.GlobalFlags);
        var rest = new List<string>();
        var error = ReadFlags(args, 0, CommandTable.FindGlobalFlag, globalValues, reorder: false, rest);
        // The globals read before the bad flag (--log, --log-format) still decide where the error is logged.
        if (error is not null)
            return ParseResult.Error(BuildGlobals(globalValues, out _), error,
                $"Incorrect Usage. {error}\n\n{HelpFormatter.AppHelp(_programName)}");

        if (globalValues.GetBool("help"))
            return ParseResult.Print(GlobalOptions.Default, HelpFormatter.AppHelp(_programName));
        if (globalValues.GetBool("version"))
            return ParseResult.Print(GlobalOptions.Default, VersionInfo.Text);

        var globals = BuildGlobals(globalValues, out error);
        if (error is not null)
            return ParseResult.Error(globals, error, $"{error}\n\n{HelpFormatter.AppHelp(_programName)}");

        if (rest.Count == 0)
            return ParseResult.Print(globals, HelpFormatter.AppHelp(_programName));

        string name = rest[0];
        var command = CommandTable.FindCommand(name);
        if (command is null)
            return ParseResult.Error(globals, $"No help topic for '{name}'", "", exitCode: 3);

        return ParseCommand(globals, command, rest);
    }

    private ParseResult ParseCommand(GlobalOptions globals, CommandSpec command, List<string> rest)
    {
        var flagSpecs = new List<FlagSpec>(command.Flags) { CommandTable.HelpFlag };
        var values = new FlagValues(flagSpecs);
        var positionals = new List<string>();
        string commandHelp = HelpFormatter.CommandHelp(_programName, command);

        FlagSpec? Lookup(string flagName)
        {
            foreach (var spec in flagSpecs)
                if (spec.HasName(flagName)) return spec;
            return null;
        }

        var error = ReadFlags(rest, 1, Lookup, values, reorder: !command.StopAtFirstPositional, positionals);
        if (error is not null)
            return ParseResult.Error(globals, error, $"Incorrect Usage: {error}\n\n{commandHelp}");

        if (values.GetBool("help"))
            return ParseResult.Print(globals, commandHelp);

        if (command == CommandTable.HelpCommand)
            return HelpTopic(globals, positionals);

        error = CheckArgCount(command, positionals.Count);
        if (error is not null)
            return ParseResult.Error(globals, error, $"Incorrect Usage.\n\n{commandHelp}");

        return ParseResult.Run(new ParsedCommandLine(globals, command, values, positionals));
    }

    private ParseResult HelpTopic(GlobalOptions globals, List<string> positionals)
    {
        if (positionals.Count == 0)
            return ParseResult.Print(globals, HelpFormatter.AppHelp(_programName));
        var topic = CommandTable.FindCommand(positionals[0]);
        if (topic is null)
            return ParseResult.Error(globals, $"No help topic for '{positionals[0]}'", "", exitCode: 3);
        return ParseResult.Print(globals, HelpFormatter.CommandHelp(_programName, topic));
    }

    /// <summary>runc's checkArgs wording: exact, then minimum, then maximum.</summary>
    private string? CheckArgCount(CommandSpec command, int count)
    {
        string quoted = GoStrings.Quote(command.Name);
        if (command.MinArgs == command.MaxArgs)
            return count == command.MinArgs ? null
                : $"{_programName}: {quoted} requires exactly {command.MinArgs} argument(s)";
        if (count < command.MinArgs)
            return $"{_programName}: {quoted} requires a minimum of {command.MinArgs} argument(s)";
        if (count > command.MaxArgs)
            return $"{_programName}: {quoted} requires a maximum of {command.MaxArgs} argument(s)";
        return null;
    }

    /// <summary>
    /// Reads flags from args[start..] into values. Non-flags go to positionals; without reordering the
    /// first non-flag ends flag parsing and it and everything after it are positionals.
    /// Returns the Go-flag-worded error, or null.
    /// </summary>
    private static string? ReadFlags(IReadOnlyList<string> args, int start, Func<string, FlagSpec?> lookup,
        FlagValues values, bool reorder, List<string> positionals)
    {
        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                AddRange(positionals, args, i + 1);
                return null;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                if (!reorder)
                {
                    AddRange(positionals, args, i);
                    return null;
                }
                positionals.Add(arg);
                continue;
            }

            int dashes = arg[1] == '-' ? 2 : 1;
            string body = arg[dashes..];
            if (body.Length == 0 || body[0] == '-' || body[0] == '=')
                return $"bad flag syntax: {arg}";

            string name = body;
            string? inlineValue = null;
            int eq = body.IndexOf('=');
            if (eq > 0)
            {
                name = body[..eq];
                inlineValue = body[(eq + 1)..];
            }

            var spec = lookup(name);
            if (spec is null)
                return $"flag provided but not defined: -{name}";
            var value = values.Get(spec.Name);

            if (spec.Kind == FlagKind.Bool)
            {
                if (inlineValue is null)
                {
                    value.SetBool(true);
                }
                else
                {
                    if (!GoValueParser.TryParseBool(inlineValue, out bool b))
                        return $"invalid boolean value {GoStrings.Quote(inlineValue)} for -{name}: parse error";
                    value.SetBool(b);
                }
                continue;
            }

            if (inlineValue is null)
            {
                if (i + 1 >= args.Count)
                    return $"flag needs an argument: -{name}";
                inlineValue = args[++i];
            }

            var setError = SetValue(value, inlineValue);
            if (setError is not null)
                return $"invalid value {GoStrings.Quote(inlineValue)} for flag -{name}: {setError}";
        }
        return null;
    }

    private static string? SetValue(FlagValue value, string text)
    {
        switch (value.Spec.Kind)
        {
            case FlagKind.String:
                value.SetText(text);
                return null;
            case FlagKind.StringList:
                value.AddString(text);
                return null;
            case FlagKind.Int:
            {
                if (!GoValueParser.TryParseInt64(text, out long n, out bool range))
                    return range ? "value out of range" : "parse error";
                if (n is < int.MinValue or > int.MaxValue)
                    return "value out of range";
                value.SetInteger(n);
                return null;
            }
            case FlagKind.IntList:
            {
                if (!GoValueParser.TryParseInt64(text, out long n, out bool range))
                    return range ? "value out of range" : "parse error";
                value.AddInteger(n);
                return null;
            }
            case FlagKind.Duration:
                if (!GoValueParser.TryParseDuration(text, out var d))
                    return "parse error";
                value.SetDuration(d);
                return null;
            default:
                return "parse error";
        }
    }

    private static void AddRange(List<string> target, IReadOnlyList<string> source, int from)
    {
        for (int i = from; i < source.Count; i++) target.Add(source[i]);
    }

    private static GlobalOptions BuildGlobals(FlagValues values, out string? error)
    {
        error = null;
        string formatText = values.GetString("log-format");
        var format = LogFormat.Text;
        switch (formatText)
        {
            case "":
            case "text":
                break;
            case "json":
                format = LogFormat.Json;
                break;
            default:
                error = "invalid log-format: " + formatText;
                break;
        }
        bool formatValid = error is null;

        string rootless = values.GetString("rootless");
        bool? rootlessMode = null;
        if (rootless.Length != 0 && !rootless.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            if (GoValueParser.TryParseBool(rootless, out bool r))
                rootlessMode = r;
            else
                error ??= $"invalid --rootless value {GoStrings.Quote(rootless)}: want true, false or auto";
        }

        string root = values.GetString("root");
        bool rootIsSet = values.IsSet("root") && root.Length != 0;
        if (rootIsSet)
            root = Path.GetFullPath(root); // runc makes --root absolute before anything uses it
        else
            root = CommandTable.DefaultRoot;

        return new GlobalOptions
        {
            Root = root,
            RootIsSet = rootIsSet,
            LogPath = values.GetStringOrNull("log"),
            LogFormat = format,
            LogFormatIsSet = values.IsSet("log-format") && formatValid,
            Debug = values.GetBool("debug"),
            SystemdCgroup = values.GetBool("systemd-cgroup"),
            Rootless = rootless,
            RootlessMode = rootlessMode,
            RootlessIsSet = values.IsSet("rootless"),
            Criu = values.GetString("criu"),
        };
    }
}
