namespace Runsharp.Spec;

/// <summary>
/// Container ids become directory names under the state root, so they are restricted the way runc
/// restricts them: letters, digits, '_', '+', '-', '.', and never "." or "..".
/// </summary>
public static class ContainerIdValidator
{
    /// <summary>NAME_MAX: the id is one directory name under the state root.</summary>
    public const int MaxLength = 255;

    /// <summary>Returns null when the id is acceptable, else a message naming the id.</summary>
    public static string? Validate(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "container id cannot be empty";
        if (id.Length > MaxLength) return $"invalid container id \"{id[..32]}...\": longer than {MaxLength} characters (it names the state directory)";
        if (id is "." or "..") return $"invalid container id \"{id}\"";
        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '-' or '.'))
            {
                return $"invalid container id \"{id}\": only letters, digits, '_', '+', '-' and '.' are allowed";
            }
        }
        return null;
    }

    public static bool IsValid(string? id) => Validate(id) is null;
}
