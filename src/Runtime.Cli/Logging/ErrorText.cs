namespace Runsharp.Cli.Logging;

/// <summary>
/// Turns an exception chain into one runc-style message: lower-case causes joined by ": ", with
/// strerror wording for the common .NET I/O exceptions (podman sorts errors by "permission denied",
/// "no such file or directory"...). Never a stack trace, never an exception type name.
/// </summary>
public static class ErrorText
{
    public static string Describe(Exception exception)
    {
        string message = DescribeOne(exception);
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            string part = DescribeOne(inner);
            if (part.Length != 0 && !message.Contains(part, StringComparison.Ordinal))
                message = message.Length == 0 ? part : message + ": " + part;
        }
        return message.Length == 0 ? "unknown error" : message;
    }

    private static string DescribeOne(Exception e)
    {
        switch (e)
        {
            case FileNotFoundException f when f.FileName is not null:
                return $"open {f.FileName}: no such file or directory";
            case FileNotFoundException:
            case DirectoryNotFoundException:
                return WithPath(e.Message, "no such file or directory");
            case UnauthorizedAccessException:
                return WithPath(e.Message, "permission denied");
            case PathTooLongException:
                return WithPath(e.Message, "file name too long");
            case AggregateException:
                return ""; // its inner exceptions carry the content
            default:
                return Clean(e.Message);
        }
    }

    /// <summary>.NET puts the path in single quotes ("Could not find a part of the path '/x'.").</summary>
    private static string WithPath(string dotnetMessage, string reason)
    {
        int open = dotnetMessage.IndexOf('\'');
        int close = open < 0 ? -1 : dotnetMessage.LastIndexOf('\'');
        return close > open + 1 ? $"{dotnetMessage[(open + 1)..close]}: {reason}" : reason;
    }

    /// <summary>One line, no trailing period (Go error style).</summary>
    private static string Clean(string message)
    {
        string text = message.Replace("\r\n", " ").Replace('\n', ' ').Trim();
        if (text.EndsWith('.') && !text.EndsWith("..", StringComparison.Ordinal)) text = text[..^1];
        return text;
    }
}
