namespace Runtime.Integration.Tests;

/// <summary>
/// CVE-2025-52565 class: the console bind. With terminal: true the runtime binds the pty peer onto /dev/console.
/// If /dev/console is a symlink (in the image, or swapped in while the container is set up), a runtime that follows
/// it mounts over, or opens and truncates, whatever it points at: a host file in a volume, a procfs file. If the peer
/// is taken from /dev/pts/N by path and that path is swapped, the runtime binds the attacker's file onto /dev/console
/// instead, where a procfs file loses its read-only mount. Here /dev is a host directory shared with a racing host
/// thread (as a volume shared with another container would be), and the checks are what the runtime did: the host
/// file's content, and the container's mount table. spec-tests/SECURITY.md has the row.
/// </summary>
public class ConsoleEscapeTests : IntegrationTest
{
    private const string Untouched = "untouched\n";
    private static readonly string[] DevptsOptions = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"];

    /// <summary>
    /// A terminal bundle whose /dev is the host directory <paramref name="sharedDev"/>, with a host volume at /vol
    /// holding the file the attacker aims at. runc 1.1.5 opens /dev/ptmx, so the shared /dev gets that symlink.
    /// </summary>
    private Bundle SharedDevBundle(string sharedDev, string volume, string devptsAt, string script)
    {
        var b = R.NewBundle(privateRootfs: true).Sh(script);
        b.Process["terminal"] = true;
        var mounts = b.Config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => ((string?)m!["destination"])!.StartsWith("/dev", StringComparison.Ordinal)).ToList()) mounts.Remove(m);
        Directory.CreateDirectory(sharedDev);
        Directory.CreateDirectory(Path.Combine(sharedDev, "pts"));
        Directory.CreateDirectory(volume);
        File.WriteAllText(Path.Combine(volume, "target"), Untouched);
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "vol"));
        b.AddMount("/dev", "bind", sharedDev, "bind");
        b.AddMount(devptsAt, "devpts", "devpts", DevptsOptions);
        b.AddMount("/vol", "bind", volume, "bind");
        // A shared /dev gets no device nodes from the runtime (runc's rule too): nothing to mask with.
        b.Linux["maskedPaths"] = new JsonArray();
        return b;
    }

    /// <summary>
    /// One create/start of a terminal container. Returns its console output, or null when create failed (the
    /// error goes to <paramref name="errors"/>). Whatever connection a failed create left is drained.
    /// </summary>
    private string? RunOnConsole(Bundle b, ConsoleSocket cs, HashSet<string> errors)
    {
        var id = NewId();
        var r = R.Create(b, id, new ExecOptions { Timeout = TimeSpan.FromSeconds(60) }, "--console-socket", cs.Path);
        if (r.ExitCode != 0)
        {
            cs.Drain();
            errors.Add(r.Stderr.Trim());
            return null;
        }
        var (fds, _, _, _) = cs.Receive(TimeSpan.FromSeconds(10));
        try
        {
            Assert.Single(fds);
            R.Start(id).Ok();
            var output = Native.ReadFdUntil(fds[0], s => s.Contains("done"), TimeSpan.FromSeconds(20)).Replace("\r", "");
            R.WaitForStatus(id, "stopped");
            R.Delete(id).Ok();
            return output;
        }
        finally
        {
            foreach (var fd in fds) Native.close(fd);
        }
    }

    /// <summary>What the container's mount table says about the attacker's targets, and what /dev/console is.</summary>
    private const string Probe =
        "stat -c 'console %t' /dev/console; echo \"mounted $(grep -c -E ' /(vol/target|proc/sys/kernel/hostname) ' /proc/self/mountinfo)\"; echo done";

    /// <summary>
    /// /dev/console swapped, in a loop, for symlinks to a host file in a volume and to a procfs file (absolute and
    /// relative), sometimes removed so the runtime makes its own. 30 runs: the host file is never opened for writing
    /// (truncated) and nothing is ever mounted over either target; the runs that fail, fail naming /dev/console. runc 1.1.5 fails this test (it creates /dev/console with O_TRUNC
    /// through the symlink and binds onto the target).
    /// </summary>
    [Fact]
    public void DevConsole_SwappedForASymlinkDuringSetup_NeverReachesItsTarget()
    {
        string dev = R.TempPath("shared-dev"), volume = R.TempPath("volume");
        var b = SharedDevBundle(dev, volume, "/dev/pts", Probe);
        File.CreateSymbolicLink(Path.Combine(dev, "ptmx"), "pts/ptmx");
        string hostFile = Path.Combine(volume, "target");
        string[] targets = ["/vol/target", "../vol/target", "/proc/sys/kernel/hostname", "../proc/sys/kernel/hostname"];

        using var stop = new CancellationTokenSource();
        var racer = new Thread(() =>
        {
            string link = Path.Combine(dev, "console.new"), console = Path.Combine(dev, "console");
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    if (File.Exists(link) || Directory.Exists(link)) File.Delete(link);
                    File.CreateSymbolicLink(link, targets[i % targets.Length]);
                    File.Move(link, console, overwrite: true); // rename(2): replaces whatever the runtime made
                    Thread.Yield();
                    if (i % 3 != 0) continue;
                    File.Delete(console);                      // and sometimes leaves nothing for a moment,
                    Thread.Sleep(1);                           // so the runtime makes its own
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }) { IsBackground = true };

        using var cs = new ConsoleSocket(R.TempPath("console.sock"));
        var errors = new HashSet<string>();
        int ran = 0;
        racer.Start();
        try
        {
            for (int i = 0; i < 30; i++)
            {
                var output = RunOnConsole(b, cs, errors);
                Assert.Equal(Untouched, File.ReadAllText(hostFile));
                if (output is null) continue;
                ran++;
                // Only the mount table is evidence here: the racer goes on renaming over /dev/console from the host,
                // which detaches the container's console mount, so what /dev/console is by now proves nothing.
                Assert.Contains("mounted 0", output);
            }
        }
        finally
        {
            stop.Cancel();
            racer.Join();
        }
        Env.RunsharpOnly(() => Assert.True(ran > 0, "no run got through the race: the test proved nothing; errors: " + string.Join(" | ", errors)));
        // The failures are the runtime refusing a symlinked /dev/console, by name.
        Env.RunsharpOnly(() => Assert.All(errors, e => Assert.Contains("/dev/console", e)));
    }

    /// <summary>
    /// The pty peer taken by path: devpts is mounted away from /dev/pts, /dev/ptmx leads to it, and /dev/pts (in the
    /// shared /dev) holds entries a racer keeps switching between the real peer and symlinks to the host file and to
    /// a read-only procfs file. A runtime that opens or binds /dev/pts/N by path can bind the attacker's file onto
    /// /dev/console. runsharp opens only /dev/pts/ptmx proven to be a devpts ptmx and gets the peer from the master
    /// (TIOCGPTPEER), so here it refuses every run, by name, and the host file is never touched.
    /// </summary>
    [Fact]
    public void PtyPeer_SwappedThroughAFakeDevPts_IsNeverBound()
    {
        string dev = R.TempPath("shared-dev"), volume = R.TempPath("volume");
        var b = SharedDevBundle(dev, volume, "/ptsreal",
            "stat -c 'console %t' /dev/console; echo \"source $(grep ' /dev/console ' /proc/self/mountinfo | sed 's/.* - //')\"; echo done");
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "ptsreal"));
        File.CreateSymbolicLink(Path.Combine(dev, "ptmx"), "../ptsreal/ptmx");
        string hostFile = Path.Combine(volume, "target");
        string[] fakes = ["/vol/target", "/proc/sys/kernel/hostname"];

        using var stop = new CancellationTokenSource();
        var racer = new Thread(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                for (int n = 0; n < 4; n++)
                {
                    string entry = Path.Combine(dev, "pts", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    string link = entry + ".new";
                    try
                    {
                        if (File.Exists(link) || Directory.Exists(link)) File.Delete(link);
                        File.CreateSymbolicLink(link, i % 2 == 0 ? fakes[(i / 2) % fakes.Length] : $"../../ptsreal/{n}");
                        File.Move(link, entry, overwrite: true);
                    }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
                Thread.Yield();
            }
        }) { IsBackground = true };

        using var cs = new ConsoleSocket(R.TempPath("console.sock"));
        var errors = new HashSet<string>();
        int ran = 0;
        racer.Start();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                var output = RunOnConsole(b, cs, errors);
                Assert.Equal(Untouched, File.ReadAllText(hostFile));
                if (output is null) continue;
                ran++;
                // Whatever went through has the pty itself on /dev/console, mounted from devpts.
                Assert.Contains("console 88", output);
                Assert.Contains("source devpts", output);
            }
        }
        finally
        {
            stop.Cancel();
            racer.Join();
        }
        Env.RunsharpOnly(() =>
        {
            Assert.Equal(0, ran);
            Assert.All(errors, e => Assert.Contains("/dev/pts/ptmx", e));
        });
    }

    /// <summary>
    /// An image whose /dev/console is a symlink to a host file (no race needed): the runtime must neither truncate
    /// the file nor mount over it. runsharp refuses by name; runc 1.1.5 truncates the host file.
    /// </summary>
    [Fact]
    public void DevConsole_ASymlinkInTheImage_IsRefused_AndItsTargetUntouched()
    {
        string dev = R.TempPath("shared-dev"), volume = R.TempPath("volume");
        var b = SharedDevBundle(dev, volume, "/dev/pts", Probe);
        File.CreateSymbolicLink(Path.Combine(dev, "ptmx"), "pts/ptmx");
        File.CreateSymbolicLink(Path.Combine(dev, "console"), "/vol/target");
        using var cs = new ConsoleSocket(R.TempPath("console.sock"));
        var errors = new HashSet<string>();
        var output = RunOnConsole(b, cs, errors);
        Assert.Equal(Untouched, File.ReadAllText(Path.Combine(volume, "target")));
        if (output is not null) Assert.Contains("mounted 0", output);
        Env.RunsharpOnly(() =>
        {
            Assert.Null(output);
            Assert.Contains("/dev/console", errors.Single());
            Assert.Contains("symbolic links", errors.Single());
        });
    }

    /// <summary>
    /// An image whose /dev/console is a FIFO. Opening it for writing blocks until a reader comes, so a runtime that
    /// opens the mount point hangs in create forever (runsharp did, before /dev/console was made with mknod). The
    /// create must finish (the harness kills it and fails the test after 60 s) with the pty bound over the FIFO.
    /// </summary>
    [Fact]
    public void DevConsole_AFifoInTheImage_DoesNotHangCreate()
    {
        var b = R.NewBundle(privateRootfs: true).Sh("stat -c 'console %t' /dev/console; echo done");
        b.Process["terminal"] = true;
        // /dev is the image's own directory here (no tmpfs over it), so the FIFO is what the runtime finds.
        var mounts = b.Config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => (string?)m!["destination"] == "/dev").ToList()) mounts.Remove(m);
        string imageDev = Path.Combine(b.RootfsPath, "dev");
        Directory.CreateDirectory(imageDev);
        if (File.Exists(Path.Combine(imageDev, "console"))) File.Delete(Path.Combine(imageDev, "console"));
        Assert.Equal(0, Native.mkfifo(Path.Combine(imageDev, "console"), 0x1b6));
        using var cs = new ConsoleSocket(R.TempPath("console.sock"));
        var errors = new HashSet<string>();
        var output = RunOnConsole(b, cs, errors);
        Assert.True(output is not null, "create failed: " + string.Join(" | ", errors));
        Assert.Contains("console 88", output);
    }
}
