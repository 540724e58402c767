using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>
/// The one source-generated JSON context for everything the runtime reads or writes as OCI JSON
/// (reflection-based serialization is disabled in the build).
/// </summary>
/// <remarks>
/// Property names match case-insensitively because Go's encoding/json does, and configs written for
/// runc rely on that. Nulls are omitted on write (Go's omitempty on pointers). Non-nullable reference
/// properties reject an explicit JSON null, so the model never hands out a null where it promised a value.
/// Use <see cref="SpecJson"/> for indented output.
/// </remarks>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Spec))]
[JsonSerializable(typeof(Process))]
[JsonSerializable(typeof(List<Process>))]
[JsonSerializable(typeof(LinuxResources))]
[JsonSerializable(typeof(State))]
[JsonSerializable(typeof(ContainerStateOutput))]
[JsonSerializable(typeof(List<ContainerStateOutput>))]
[JsonSerializable(typeof(ContainerProcessState))]
[JsonSerializable(typeof(Features))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
public sealed partial class SpecJsonContext : JsonSerializerContext
{
}
