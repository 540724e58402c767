namespace Runsharp.Container;

/// <summary>A failure the user should read: lower case, says what was being done and why it failed.</summary>
public class ContainerException(string message, Exception? inner = null) : Exception(message, inner);
