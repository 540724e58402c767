namespace Runsharp.Cgroups.Tests;

/// <summary>Control files that answer reads from a script (one answer per read, the last one repeating) and
/// record every write and sleep: a kernel that is FREEZING for a while, then FROZEN, on demand.</summary>
internal sealed class ScriptedControlFiles : IControlFiles
{
    readonly Dictionary<string, Queue<string?>> _answers = new();
    readonly Dictionary<string, string?> _last = new();

    public string Dir => "/fake/cg";
    public List<(string File, string Value)> Writes { get; } = [];
    public int SleptMs { get; private set; }
    public int Reads { get; private set; }

    /// <summary>Successive answers to reads of <paramref name="file"/>; null means the file is absent.</summary>
    public ScriptedControlFiles Answer(string file, params string?[] values)
    {
        _answers[file] = new Queue<string?>(values);
        return this;
    }

    public string? TryRead(string file)
    {
        Reads++;
        if (!_answers.TryGetValue(file, out var queue))
            return null;
        if (queue.Count > 0)
            _last[file] = queue.Dequeue();
        return _last.GetValueOrDefault(file);
    }

    public void Write(string file, string value) => Writes.Add((file, value));

    public void Sleep(int milliseconds) => SleptMs += milliseconds;

    public IEnumerable<string> WritesTo(string file) => Writes.Where(w => w.File == file).Select(w => w.Value);
}
