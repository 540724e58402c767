using System.Text.Json;
using Runsharp.Linux;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.State;

/// <summary>
/// One directory per container under the root. mkdir of &lt;root&gt;/&lt;id&gt; is the uniqueness check
/// (two creates of one id cannot both succeed); state.json is replaced by rename, never rewritten in place;
/// an advisory flock on the directory serializes commands on one container, and a create holds it throughout,
/// which tells a create at work from one that was killed (see StatusProbe).
/// </summary>
public sealed class StateStore(string root)
{
    public const string StateFile = "state.json", ExecFifo = "exec.fifo", ConfigCopy = "config.json";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The container's directory. The id is checked first: "..", "/" or worse must never reach a path.</summary>
    /// <summary>The id's directory; an invalid id is an error naming it (never a path outside the root).</summary>
    public string DirOf(string id) =>
        Runsharp.Spec.ContainerIdValidator.Validate(id) is { } problem ? throw new ContainerException(problem) : Path.Combine(Root, id);

    public void EnsureRoot()
    {
        try
        {
            Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerException($"unable to create the state root {Root}: {Reason(e)}");
        }
    }

    /// <summary>strerror wording for a managed IO failure (on Unix, .NET keeps the errno in HResult).</summary>
    private static string Reason(Exception e) => e switch
    {
        IOException { HResult: > 0 and < 4096 } io => Errno.Message(io.HResult),
        UnauthorizedAccessException => Errno.Message(Errno.EACCES),
        _ => e.Message,
    };

    /// <summary>Writes a file of the container's directory in place (nobody reads it before create returns).</summary>
    public void WriteFile(string id, string name, ReadOnlySpan<byte> content) => AtomicFile.WriteInPlace(Path.Combine(DirOf(id), name), content);

    /// <summary>Creates the container's directory; fails if the id is taken.</summary>
    public ContainerLock CreateContainerDir(string id)
    {
        EnsureRoot();
        string dir = DirOf(id);
        unsafe
        {
            fixed (byte* p = Posix.Z(dir))
            {
                if (Tmds.Linux.LibC.mkdir(p, 0x1c9 /* 0711 */) < 0)
                {
                    int e = Posix.LastErrno;
                    if (e == Errno.EEXIST) throw new ContainerException("container with given ID already exists");
                    throw new LinuxException(e, $"unable to create the state directory {dir}");
                }
            }
        }
        return ContainerLock.Acquire(dir);
    }

    /// <summary>Whether the container exists; an invalid id is an error, not a missing container.</summary>
    public bool Exists(string id) => Directory.Exists(DirOf(id));

    /// <summary>Locks an existing container's directory, or says it does not exist.</summary>
    public ContainerLock Lock(string id)
    {
        string dir = DirOf(id);
        if (!Directory.Exists(dir)) throw NotFound(id);
        return ContainerLock.Acquire(dir);
    }

    /// <summary>runc's wording ("container does not exist", which engines match on), then the id.</summary>
    public static ContainerException NotFound(string id) => new($"container does not exist: \"{id}\"");

    public ContainerRecord? TryRead(string id)
    {
        string path = Path.Combine(DirOf(id), StateFile);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        try
        {
            var json = new JsonIn(bytes, StateFile);
            return json.Object(ContainerRecord.Json);
        }
        catch (Exception e) when (e is JsonException or SpecException) { return null; }
    }

    public ContainerRecord Read(string id) => TryRead(id) ?? throw NotFound(id);

    /// <summary>Whether a create holds the container's lock now (see <see cref="ContainerLock.IsHeld"/>).</summary>
    public bool IsLocked(string id) => ContainerLock.IsHeld(DirOf(id));

    public void Write(ContainerRecord record)
    {
        string dir = DirOf(record.Id);
        AtomicFile.Write(Path.Combine(dir, StateFile), JsonOut.ToUtf8(ContainerRecord.Json, record));
    }

    public IEnumerable<string> Ids()
    {
        if (!Directory.Exists(Root)) return [];
        return Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
    }

    public void Remove(string id)
    {
        string dir = DirOf(id);
        try { Directory.Delete(dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerException($"unable to remove the state directory {dir}: {e.Message}");
        }
    }
}

/// <summary>Writes a file by temp + rename in the same directory, so readers see the old or the new content, whole.</summary>
public static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        string tmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + ".tmp" + Environment.ProcessId);
        WriteInPlace(tmp, content, path);
        try { File.Move(tmp, path, overwrite: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(tmp);
            throw new ContainerException($"unable to write {path}: {e.Message}");
        }
    }

    /// <summary>Creates or truncates <paramref name="path"/> and writes it; a failure names <paramref name="reportAs"/>
    /// (the file the caller meant) with strerror wording, and removes the partial file.</summary>
    public static void WriteInPlace(string path, ReadOnlySpan<byte> content, string? reportAs = null)
    {
        int fd = Posix.TryOpen(path, Flags.O_WRONLY | Flags.O_CREAT | Flags.O_TRUNC, 0x1a4);
        if (fd < 0) throw new ContainerException($"unable to write {reportAs ?? path}: {Errno.Message(-fd)}");
        try { Posix.WriteAll(fd, content, $"write {path}"); }
        catch (LinuxException e)
        {
            Posix.Close(fd);
            fd = -1;
            File.Delete(path);
            throw new ContainerException($"unable to write {reportAs ?? path}: {Errno.Message(e.ErrorNumber)}");
        }
        finally { if (fd >= 0) Posix.Close(fd); }
    }
}

/// <summary>An flock on the container's directory, released on dispose.</summary>
public sealed class ContainerLock : IDisposable
{
    private int _fd;

    private ContainerLock(int fd) => _fd = fd;

    public int Fd => _fd;

    public static ContainerLock Acquire(string dir)
    {
        int fd = Posix.TryOpen(dir, Flags.O_RDONLY | Flags.O_DIRECTORY);
        if (fd == -Errno.ENOENT) throw StateStore.NotFound(Path.GetFileName(dir));
        if (fd < 0) throw new LinuxException(-fd, $"unable to open {dir}");
        Posix.Flock(fd, Flags.LOCK_EX, $"unable to lock {dir}");
        return new ContainerLock(fd);
    }

    /// <summary>
    /// Whether another process holds the directory's lock right now (a create in progress holds it from mkdir to
    /// its last write). A killed create holds nothing: the kernel drops a dead process's flocks.
    /// </summary>
    public static bool IsHeld(string dir)
    {
        int fd = Posix.TryOpen(dir, Flags.O_RDONLY | Flags.O_DIRECTORY);
        if (fd < 0) return false;
        try
        {
            long r = Runsharp.Linux.Native.RawSyscall.Invoke(Runsharp.Linux.Native.Sys.flock, fd, Flags.LOCK_SH | Flags.LOCK_NB);
            return r == -Errno.EAGAIN; // EWOULDBLOCK; closing the fd drops our shared lock otherwise
        }
        finally { Posix.Close(fd); }
    }

    public void Dispose()
    {
        Posix.Close(_fd);
        _fd = -1;
    }
}
