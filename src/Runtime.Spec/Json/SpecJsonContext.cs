using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>
/// The source-generated JSON context (reflection-based serialization is disabled in the build). Only the cold
/// commands use it now (spec, features, list --format json), through <see cref="SpecJson"/>'s styles: the lifecycle
/// commands read and write with the <see cref="JsonShape{T}"/> tables, because this context builds its type metadata
/// at first use in every process (custom-attribute reflection per type), which cost a third of a short command.
/// The tests compare the tables with it.
/// </summary>
/// <remarks>
/// Property names match case-insensitively because Go's encoding/json does, and configs written for
/// runc rely on that. Nulls are omitted on write (Go's omitempty on pointers). Non-nullable reference
/// properties reject an explicit JSON null, so the model never hands out a null where it promised a value.
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
