using System.Text;

namespace Runsharp.Spec;

/// <summary>Reads config.json, process.json and resource files into the model, with path-named errors.</summary>
public static class SpecLoader
{
    public const string ConfigFileName = "config.json";

    /// <summary>Reads and parses <c>&lt;bundleDir&gt;/config.json</c>. Does not validate.</summary>
    public static Spec LoadConfig(string bundleDir) => LoadConfig(bundleDir, out _);

    /// <summary>As <see cref="LoadConfig(string)"/>, also giving the file's bytes (create saves them as they are:
    /// serializing the parsed spec again cost more than parsing it).</summary>
    public static Spec LoadConfig(string bundleDir, out byte[] utf8Json)
    {
        utf8Json = ReadFile(Path.Combine(bundleDir, ConfigFileName), ConfigFileName);
        return ParseConfig(utf8Json, ConfigFileName);
    }

    public static Spec ParseConfig(ReadOnlySpan<byte> utf8Json, string source = ConfigFileName) =>
        Parse(utf8Json, SpecShapes.Spec, source);

    public static Spec ParseConfig(string json, string source = ConfigFileName) =>
        ParseConfig(Encoding.UTF8.GetBytes(json), source);

    /// <summary>Reads the file <c>exec --process</c> names; errors are labelled with the path as given.</summary>
    public static Process LoadProcess(string path) => ParseProcess(ReadFile(path, path), path);

    public static Process ParseProcess(ReadOnlySpan<byte> utf8Json, string source = "process.json") =>
        Parse(utf8Json, ProcessShapes.Process, source);

    public static Process ParseProcess(string json, string source = "process.json") =>
        ParseProcess(Encoding.UTF8.GetBytes(json), source);

    /// <summary>Parses the resources JSON that <c>update -r</c> takes.</summary>
    public static LinuxResources ParseResources(ReadOnlySpan<byte> utf8Json, string source = "resources") =>
        Parse(utf8Json, ResourceShapes.Resources, source);

    /// <summary>
    /// Parses a document of <paramref name="shape"/>'s type. A JSON <c>null</c> document is an error, as is anything
    /// that is not the type's shape; <paramref name="source"/> labels whole-document errors.
    /// </summary>
    public static T Parse<T>(ReadOnlySpan<byte> utf8Json, JsonShape<T> shape, string source) where T : class
    {
        // A UTF-8 BOM is harmless; editors on some systems add it.
        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8Json = utf8Json[3..];
        // Syntax first, so that a type error is reported only in a document that is JSON.
        JsonSyntax.Check(utf8Json, source);
        var json = new JsonIn(utf8Json, source);
        return json.Object(shape);
    }

    /// <summary>Reads a whole file, mapping failures to strerror-style wording.</summary>
    internal static byte[] ReadFile(string path, string label)
    {
        try
        {
            if (Directory.Exists(path)) throw new SpecException($"{label}: is a directory");
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpecException($"{label}: no such file or directory", null, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SpecException($"{label}: permission denied", null, ex);
        }
        catch (IOException ex)
        {
            throw new SpecException($"{label}: unable to read: {ex.Message}", null, ex);
        }
    }
}
