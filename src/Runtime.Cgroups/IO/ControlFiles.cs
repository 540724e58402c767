namespace Runsharp.Cgroups;

/// <summary>The control files of one cgroup directory, as the freezers use them. The seam lets unit tests
/// script what the kernel answers (FREEZING, then FROZEN) where a plain temp file cannot.</summary>
internal interface IControlFiles
{
    /// <summary>Where the files are, for messages.</summary>
    string Dir { get; }

    /// <summary>The trimmed content, or null when the file is absent (ENOENT, or ENODEV from an old kernel).</summary>
    string? TryRead(string file);

    void Write(string file, string value);

    /// <summary>Waits between polls; a plain sleep on this thread (the runtime has no timers).</summary>
    void Sleep(int milliseconds);
}

/// <summary>The real thing: files in a cgroupfs directory.</summary>
internal sealed class DirControlFiles(string dir) : IControlFiles
{
    public string Dir => dir;

    public string? TryRead(string file)
    {
        var text = Runsharp.Linux.Posix.TryReadText(Path.Combine(dir, file), out int errno);
        if (text is not null)
            return text.Trim();
        if (errno is CgroupErrors.ENOENT or CgroupErrors.ENODEV)
            return null;
        throw new CgroupException($"unable to read '{file}' in {dir}: {CgroupErrors.Text(errno)}", errno);
    }

    public void Write(string file, string value) => CgroupFiles.Write(dir, file, value);

    public void Sleep(int milliseconds) => Thread.Sleep(milliseconds);
}
