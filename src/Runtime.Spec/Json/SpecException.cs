namespace Runsharp.Spec;

/// <summary>
/// A config.json or process.json that cannot be read or does not fit the model. The message names the
/// field as a user would write it (<c>process.user.uid: expected a number, got a string</c>) and never
/// carries .NET's own wording.
/// </summary>
public sealed class SpecException : Exception
{
    public SpecException(string message, string? jsonPath = null, Exception? inner = null)
        : base(message, inner)
    {
        JsonPath = jsonPath;
    }

    /// <summary>The offending field in display form (<c>mounts[2].destination</c>), when there is one.</summary>
    public string? JsonPath { get; }
}
