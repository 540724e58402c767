using Runsharp.Cli.CommandLine;

namespace Runsharp.Cli.Commands;

/// <summary>--preserve-fds N of create, run and exec: a count, so a negative one is an error naming the flag.</summary>
public static class PreserveFdsFlag
{
    public static int Read(ParsedCommandLine cmd)
    {
        int n = cmd.GetInt("preserve-fds");
        if (n < 0) throw new Runsharp.Container.ContainerException($"--preserve-fds: {n} is negative (it counts the fds after stderr to pass on)");
        return n;
    }
}
