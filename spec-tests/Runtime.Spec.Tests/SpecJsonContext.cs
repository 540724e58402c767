using System.Text.Json;
using System.Text.Json.Serialization;

namespace Runsharp.Spec;

/// <summary>
/// The source-generated JSON context the runtime used before its <see cref="JsonShape{T}"/> tables. It lives in the
/// tests now, as the oracle the tables are compared with byte for byte: the binary carries no serializer metadata.
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

/// <summary>The oracle context in one of <see cref="SpecJson"/>'s output styles.</summary>
internal static class SpecJsonOracle
{
    private static readonly Dictionary<JsonStyle, SpecJsonContext> Contexts = [];

    public static SpecJsonContext For(JsonStyle style)
    {
        lock (Contexts)
        {
            if (!Contexts.TryGetValue(style, out var context))
            {
                context = new SpecJsonContext(new JsonSerializerOptions(SpecJsonContext.Default.Options)
                {
                    Encoder = style.Writer.Encoder,
                    WriteIndented = style.Writer.Indented,
                    IndentCharacter = style.Writer.IndentCharacter,
                    IndentSize = style.Writer.IndentSize,
                });
                Contexts[style] = context;
            }
            return context;
        }
    }
}
