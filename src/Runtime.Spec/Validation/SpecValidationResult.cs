namespace Runsharp.Spec;

/// <summary>Everything a validation pass found, each entry prefixed with the spec path it is about.</summary>
public sealed class SpecValidationResult
{
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    /// <summary>Problems that make the config unusable.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Things runc accepts but has deprecated (e.g. relative mount destinations); worth logging.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    public bool IsValid => _errors.Count == 0;

    internal void Error(string path, string message) => _errors.Add($"{path}: {message}");

    internal void Warn(string path, string message) => _warnings.Add($"{path}: {message}");
}
