namespace Runsharp.Cli.Logging;

/// <summary>
/// Reports the invocation's failure the way runc's fatal() does: exactly one error record in the log
/// (the --log file, or stderr), the plain message on stderr as well when the log is a file, and the
/// exit code to return from Main (1, or 255 for exec, or a usage error's code).
/// </summary>
public static class ErrorReporter
{
    public const int DefaultExitCode = 1;

    public static int Fail(Exception exception, int exitCode = DefaultExitCode)
        => Fail(RuntimeLog.Current, ErrorText.Describe(exception), exitCode);

    public static int Fail(string message, int exitCode = DefaultExitCode)
        => Fail(RuntimeLog.Current, message, exitCode);

    public static int Fail(RuntimeLog log, string message, int exitCode = DefaultExitCode)
    {
        log.WriteError(message.Length == 0 ? "unknown error" : message);
        return exitCode;
    }
}
