using System.Diagnostics;
using System.Text;

namespace Runtime.Engine.Tests.Harness;

/// <summary>What one engine command printed and returned.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"{Command}\n  exit: {ExitCode}\n  stdout: {Stdout}\n  stderr: {Stderr}";

    public CommandResult Ok()
    {
        Assert.True(ExitCode == 0, $"expected success:\n{this}");
        return this;
    }

    public CommandResult Exits(int code)
    {
        Assert.True(ExitCode == code, $"expected exit {code}:\n{this}");
        return this;
    }

    /// <summary>Stdout without the trailing newline (and the \r a pty adds).</summary>
    public string Out => Stdout.Replace("\r", "").TrimEnd('\n');
}

/// <summary>
/// A started process (an engine CLI in the foreground, or a daemon) whose output goes to memory.
/// </summary>
public sealed class BackgroundCommand : IDisposable
{
    private readonly Process _p;
    private readonly StringBuilder _out = new(), _err = new();
    public string Command { get; }
    public int Pid => _p.Id;

    /// <param name="stdin">Text for stdin, which is then closed; null keeps stdin open until <see cref="CloseStdin"/>.</param>
    public BackgroundCommand(IReadOnlyList<string> argv, string? stdin, IReadOnlyDictionary<string, string>? env = null)
    {
        Command = string.Join(' ', argv);
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        _p = Process.Start(psi)!;
        _p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_out) _out.Append(e.Data).Append('\n'); };
        _p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_err) _err.Append(e.Data).Append('\n'); };
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
        if (stdin == null) return;
        _p.StandardInput.Write(stdin);
        _p.StandardInput.Close();
    }

    /// <summary>Writes a line to the held stdin and closes it.</summary>
    public void ReleaseStdin()
    {
        _p.StandardInput.Write("\n");
        _p.StandardInput.Close();
    }

    public bool HasExited => _p.HasExited;

    public string StdoutSoFar { get { lock (_out) return _out.ToString(); } }

    /// <summary>Waits for the exit; on timeout kills the process and fails the test with what it printed.</summary>
    public CommandResult Wait(TimeSpan timeout)
    {
        if (!_p.WaitForExit(timeout))
        {
            try { _p.Kill(true); } catch { /* already gone */ }
            _p.WaitForExit(5000);
            throw new Xunit.Sdk.XunitException($"timed out after {timeout.TotalSeconds:0}s: {Command}\n  stdout: {StdoutSoFar}\n  stderr: {_err}");
        }
        _p.WaitForExit(); // flushes the async readers
        lock (_out) lock (_err) return new CommandResult(Command, _p.ExitCode, _out.ToString(), _err.ToString());
    }

    public void Dispose()
    {
        try { if (!_p.HasExited) { _p.Kill(true); _p.WaitForExit(5000); } } catch { /* already gone */ }
        _p.Dispose();
    }
}
