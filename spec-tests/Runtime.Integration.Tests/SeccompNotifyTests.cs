using System.Net.Sockets;

namespace Runtime.Integration.Tests;

/// <summary>
/// SCMP_ACT_NOTIFY with linux.seccomp.listenerPath: the test is the seccomp agent. It listens on a unix socket,
/// receives the runtime's one message (the ContainerProcessState JSON with the notify fd as SCM_RIGHTS), checks
/// the JSON, and answers the container's notified syscalls through the fd's ioctls; the container must see the
/// answer. Closing the fd instead makes a notified syscall fail with ENOSYS. Run with and without
/// no_new_privs, since the filter is loaded at different points of the init for the two.
/// </summary>
public class SeccompNotifyTests : IntegrationTest
{
    private const int NrMkdir = 83, NrMkdirat = 258; // x86_64
    private const int EXDEV = 18;

    /// <summary>The agent: accepts one connection, takes the state and fd, then serves notifications until disposed.</summary>
    private sealed unsafe class Agent : IDisposable
    {
        // _IOWR('!', 0, struct seccomp_notif) (80 bytes), _IOWR('!', 1, struct seccomp_notif_resp) (24 bytes)
        private const ulong NotifRecv = 0xC0502100, NotifSend = 0xC0182101;
        private const uint FlagContinue = 1; // SECCOMP_USER_NOTIF_FLAG_CONTINUE

        public string Path { get; }
        public JsonObject? State { get; private set; }
        public int FdCount { get; private set; } = -1;
        public List<int> Notified { get; } = [];
        public Exception? Error { get; private set; }
        private readonly Socket _listener;
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _received = new();
        private volatile bool _stop;
        private readonly bool _closeAtOnce;

        /// <param name="closeAtOnce">Close the notify fd as soon as it arrives instead of answering.</param>
        public Agent(string path, bool closeAtOnce)
        {
            Path = path;
            _closeAtOnce = closeAtOnce;
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(path));
            _listener.Listen(4);
            _thread = new Thread(Serve) { IsBackground = true };
            _thread.Start();
        }

        /// <summary>Waits for the runtime's message; fails the test if it never came.</summary>
        public void WaitReceived(TimeSpan timeout)
        {
            Assert.True(_received.Wait(timeout), "the runtime never sent the seccomp state to the listener");
            if (Error != null) throw new Xunit.Sdk.XunitException($"the agent failed: {Error}");
        }

        private void Serve()
        {
            int fd = -1;
            try
            {
                while (!_stop && !_listener.Poll(100_000, SelectMode.SelectRead)) { }
                if (_stop) return;
                using (var conn = _listener.Accept())
                {
                    var (fds, payload, _, _) = Native.RecvFds((int)conn.Handle);
                    FdCount = fds.Count;
                    State = JsonNode.Parse(payload)!.AsObject();
                    fd = fds.Count > 0 ? fds[0] : -1;
                    foreach (var extra in fds.Skip(1)) Native.close(extra);
                }
                if (_closeAtOnce && fd >= 0) { Native.close(fd); fd = -1; }
                _received.Set();
                byte* req = stackalloc byte[80];
                byte* resp = stackalloc byte[24];
                while (!_stop && fd >= 0)
                {
                    var pfd = new Native.PollFd { fd = fd, events = Native.POLLIN };
                    if (Native.poll(&pfd, 1, 100) <= 0) continue;
                    if ((pfd.revents & Native.POLLIN) == 0) break; // POLLHUP: no filter user left
                    new Span<byte>(req, 80).Clear(); // the kernel wants it zeroed
                    if (Native.ioctl(fd, NotifRecv, (int*)req) < 0) continue; // the task went away (ENOENT) or EINTR
                    ulong id = *(ulong*)req;
                    int nr = *(int*)(req + 16);
                    lock (Notified) Notified.Add(nr);
                    new Span<byte>(resp, 24).Clear();
                    *(ulong*)resp = id;
                    if (nr is NrMkdir or NrMkdirat) *(int*)(resp + 16) = -EXDEV;
                    else *(uint*)(resp + 20) = FlagContinue; // anything else notified: let it run
                    Native.ioctl(fd, NotifSend, (int*)resp);
                }
            }
            catch (Exception e) { Error = e; }
            finally
            {
                if (fd >= 0) Native.close(fd);
                _received.Set();
            }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join(TimeSpan.FromSeconds(5));
            _listener.Dispose();
            try { File.Delete(Path); } catch { }
        }
    }

    private static JsonObject NotifyProfile(string? listenerPath, string? metadata, params string[] names)
    {
        var seccomp = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["architectures"] = Json.Arr("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
            ["syscalls"] = new JsonArray(new JsonObject { ["names"] = Json.Arr(names), ["action"] = "SCMP_ACT_NOTIFY" }),
        };
        if (listenerPath != null) seccomp["listenerPath"] = listenerPath;
        if (metadata != null) seccomp["listenerMetadata"] = metadata;
        return seccomp;
    }

    private Bundle WithProfile(string script, bool noNewPrivileges, JsonObject seccomp)
    {
        var b = R.NewBundle().Sh(script);
        b.Process["noNewPrivileges"] = noNewPrivileges;
        b.Linux["seccomp"] = seccomp;
        return b;
    }

    private const string MkdirScript =
        "mkdir /tmp/notify-x 2>&1; echo rc=$?; test -d /tmp/notify-x && echo exists; echo done";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Listener_GetsStateAndFd_AndItsAnswerIsWhatMkdirReturns(bool noNewPrivileges)
    {
        using var agent = new Agent(R.TempPath("agent.sock"), closeAtOnce: false);
        var b = WithProfile(MkdirScript, noNewPrivileges, NotifyProfile(agent.Path, "meta data 42", "mkdir", "mkdirat"));
        var id = NewId();
        R.Create(b, id).Ok();
        agent.WaitReceived(TimeSpan.FromSeconds(10));
        int pid = R.Pid(id);

        // One fd, named in "fds"; the process and container it belongs to; the metadata verbatim.
        Assert.Equal(1, agent.FdCount);
        var s = agent.State!;
        Assert.False(string.IsNullOrEmpty((string?)s["ociVersion"]));
        Assert.Equal(["seccompFd"], s["fds"]!.AsArray().Select(x => (string)x!).ToArray());
        Assert.Equal(pid, (int)s["pid"]!);
        Assert.Equal("meta data 42", (string?)s["metadata"]);
        var st = s["state"]!.AsObject();
        Assert.Equal(id, (string?)st["id"]);
        Assert.Equal(pid, (int)st["pid"]!);
        Assert.Equal(b.Dir, (string?)st["bundle"]);
        // The spec's state for a container being set up is "creating"; runc 1.1 says "running".
        Assert.Contains((string?)st["status"], new[] { "creating", "running" });
        Env.RunsharpOnly(() => Assert.Equal("creating", (string?)st["status"]));

        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        var output = R.ReadOut(id);
        Assert.Contains("ross-device link", output); // EXDEV, the agent's answer ("Invalid cross-device link" / musl's "Cross-device link")
        Assert.Contains("rc=1", output);
        Assert.DoesNotContain("exists", output);
        Assert.EndsWith("done\n", output);
        lock (agent.Notified) Assert.Contains(agent.Notified, nr => nr is NrMkdir or NrMkdirat);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Listener_ClosesTheFd_NotifiedSyscallFailsWithEnosys(bool noNewPrivileges)
    {
        using var agent = new Agent(R.TempPath("agent.sock"), closeAtOnce: true);
        var b = WithProfile(MkdirScript, noNewPrivileges, NotifyProfile(agent.Path, null, "mkdir", "mkdirat"));
        var id = NewId();
        R.Create(b, id).Ok();
        agent.WaitReceived(TimeSpan.FromSeconds(10));
        Assert.Equal(1, agent.FdCount);
        Assert.Null(agent.State!["metadata"]); // no listenerMetadata: omitted, as specs-go's omitempty
        R.Start(id).Ok();
        R.WaitForStatus(id, "stopped");
        var output = R.ReadOut(id);
        Assert.Contains("Function not implemented", output);
        Assert.Contains("rc=1", output);
        Assert.DoesNotContain("exists", output);
    }

    [Fact]
    public void Notify_WithoutListenerPath_CreateFailsNamingTheField_NothingLeft()
    {
        var b = WithProfile("true", true, NotifyProfile(null, null, "mkdir"));
        var id = NewId();
        var r = R.Create(b, id).Fails();
        Assert.Contains("listenerPath", r.Stderr + r.Log);
        Env.RunsharpOnly(() => Assert.Contains("linux.seccomp.listenerPath", r.Stderr));
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)), "a failed create must not leave a state dir");
    }

    [Fact]
    public void Notify_OnWrite_IsRefused()
    {
        // The init reports the notify fd with write(2) after the filter is in force: notifying on it could never be answered.
        using var agent = new Agent(R.TempPath("agent.sock"), closeAtOnce: false);
        var b = WithProfile("true", true, NotifyProfile(agent.Path, null, "write"));
        var id = NewId();
        var r = R.Create(b, id).Fails();
        Assert.Contains("write", r.Stderr + r.Log);
        Env.RunsharpOnly(() => Assert.Contains("linux.seccomp.syscalls[0]", r.Stderr));
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)));
    }

    [Fact]
    public void Listener_Unreachable_CreateFails_NothingLeft()
    {
        var b = WithProfile("true", true, NotifyProfile(R.TempPath("nobody-listens.sock"), null, "mkdir"));
        var id = NewId();
        var r = R.Create(b, id).Fails();
        Env.RunsharpOnly(() => Assert.Contains("linux.seccomp.listenerPath", r.Stderr));
        Assert.False(Directory.Exists(Path.Combine(R.Root, id)), "a failed create must not leave a state dir");
    }

    [Fact]
    public void Features_ListsNotify()
    {
        var f = JsonNode.Parse(R.Exec("features").Ok().Stdout)!;
        var actions = f["linux"]!["seccomp"]!["actions"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("SCMP_ACT_NOTIFY", actions);
    }
}
