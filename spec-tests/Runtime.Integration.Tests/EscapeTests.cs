using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Runtime.Integration.Tests;

/// <summary>
/// Known runtime escape classes (runc's and crun's advisories), each tried for real: the attack is set up and the
/// test shows it fails. spec-tests/SECURITY.md maps each class to what runsharp does and to these tests.
/// </summary>
public class EscapeTests : IntegrationTest
{
    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>
    /// CVE-2019-5736 class: a process in the container reaches the runtime's binary through /proc/PID/exe of a
    /// runtime process that shares its pid namespace, and reads or overwrites it. Here container B is created in
    /// container A's pid namespace, so A sees B's init, which is still a copy of runsharp until `start`.
    /// </summary>
    [Fact]
    public void RuntimeBinary_IsNotReachableThroughProcExe_OfAnInitWaitingForStart()
    {
        string runtime = Env.RuntimePath;
        string before = Hash(runtime);
        var a = R.NewBundle().Args("sleep", "60");
        var aId = NewId();
        R.Create(a, aId).Ok();
        R.Start(aId).Ok();
        int aPid = R.Pid(aId);

        var b = R.NewBundle().Args("true");
        b.SetNamespace("pid", $"/proc/{aPid}/ns/pid");
        var bId = NewId();
        R.Create(b, bId).Ok();
        int bHostPid = R.Pid(bId);
        // B's init as A's processes number it: the last field of NSpid.
        string nsPid = File.ReadAllLines($"/proc/{bHostPid}/status").Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal))
            .Split('\t', ' ').Where(f => f.Length > 0).Last();
        Assert.NotEqual(bHostPid.ToString(CultureInfo.InvariantCulture), nsPid);

        var r = R.Exec("exec", aId, "sh", "-c",
            $"test -e /proc/{nsPid} && echo visible; cat /proc/{nsPid}/exe > /dev/null 2>&1 && echo read; " +
            $"echo overwrite >> /proc/{nsPid}/exe 2>/dev/null && echo wrote; readlink /proc/{nsPid}/exe >/dev/null 2>&1 && echo link; true").Ok();
        Assert.Equal(new[] { "visible" }, Lines(r.Stdout));
        Assert.Equal(before, Hash(runtime));
        R.Delete(bId, force: true).Ok();
        R.Delete(aId, force: true).Ok();
    }

    /// <summary>
    /// CVE-2021-30465 class: a mount destination inside a directory the attacker shares (a volume) is swapped
    /// between a directory and a symlink pointing out of the rootfs while the container is set up. A mount (or
    /// the mkdir before it) that followed the symlink out would land in the host directory the symlink names:
    /// after 40 raced runs that directory must still be empty and carry no mount.
    /// </summary>
    [Fact]
    public void MountDestination_SwappedForASymlinkDuringSetup_NeverLeavesTheRootfs()
    {
        string shared = R.TempPath("shared-volume");
        string outside = R.TempPath("outside-target");
        Directory.CreateDirectory(shared);
        Directory.CreateDirectory(outside);
        var b = R.NewBundle(privateRootfs: true).Sh("grep -c 'size=1236k' /proc/self/mountinfo");
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "vol"));
        b.AddMount("/vol", "bind", shared, "bind");
        b.AddMount("/vol/target/deeper", "tmpfs", "tmpfs", "size=1236k");

        using var stop = new CancellationTokenSource();
        var racer = new Thread(() =>
        {
            string target = Path.Combine(shared, "target"), link = Path.Combine(shared, "target.link");
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (File.Exists(link) || Directory.Exists(link)) File.Delete(link);
                    // Absolute and relative climbs out of the rootfs, to a host directory.
                    File.CreateSymbolicLink(link, Random.Shared.Next(2) == 0 ? outside : "../../../../../../../.." + outside);
                    if (Directory.Exists(target) && !File.GetAttributes(target).HasFlag(FileAttributes.ReparsePoint)) Directory.Delete(target, true);
                    File.Move(link, target, overwrite: true);
                    Thread.Yield();
                    File.Delete(target);
                    Directory.CreateDirectory(target);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }) { IsBackground = true };
        racer.Start();
        int succeeded = 0;
        var errors = new HashSet<string>();
        try
        {
            for (int i = 0; i < 40; i++)
            {
                var r = R.Run(b, NewId());
                // The container ran when grep printed a count (1, or 0 when the racer unlinked the mount point
                // on the host side, which detaches the mount); otherwise the runtime failed on a swapped path.
                if (r.Stdout.Trim() is "0" or "1") succeeded++;
                else errors.Add(r.Stderr.Trim());
                Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
            }
        }
        finally
        {
            stop.Cancel();
            racer.Join();
        }
        Assert.Empty(Mounts.Under(outside));
        // runc 1.1.5 refuses every run here (it notices the swap); runsharp resolves each one inside the rootfs.
        Env.RunsharpOnly(() => Assert.True(succeeded > 0, "no run got through the race: the test proved nothing; errors: " + string.Join(" | ", errors)));
    }

    /// <summary>
    /// CVE-2025-31133 class: masked paths are masked by binding /dev/null over them. If /dev/null is swapped for a
    /// symlink while the container is set up (here /dev is a directory shared with a racing host thread, as a
    /// volume shared with another container would be), binding it would expose the symlink's target instead.
    /// Every run must either fail or show the masked file empty; the target's content must never appear.
    /// </summary>
    [Fact]
    public void MaskedPaths_AreNeverMaskedWithASwappedDevNull()
    {
        var b = R.NewBundle(privateRootfs: true).Sh("cat /etc/masked");
        var mounts = b.Config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => ((string?)m!["destination"])!.StartsWith("/dev", StringComparison.Ordinal)).ToList()) mounts.Remove(m);
        string shared = R.TempPath("shared-dev");
        Directory.CreateDirectory(shared);
        b.AddMount("/dev", "bind", shared, "bind");
        File.WriteAllText(Path.Combine(b.RootfsPath, "etc", "attacker-visible"), "exposed\n");
        File.WriteAllText(Path.Combine(b.RootfsPath, "etc", "masked"), "secret\n");
        b.Linux["maskedPaths"] = Json.Arr("/etc/masked");
        b.Linux["readonlyPaths"] = new JsonArray();

        using var stop = new CancellationTokenSource();
        var racer = new Thread(() =>
        {
            string fake = Path.Combine(shared, "null.fake"), nul = Path.Combine(shared, "null");
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (File.Exists(fake) || Directory.Exists(fake)) File.Delete(fake);
                    File.CreateSymbolicLink(fake, "../etc/attacker-visible");
                    File.Move(fake, nul, overwrite: true); // rename(2): atomically replaces whatever the runtime made
                    Thread.Yield();
                    File.Delete(nul);                      // and sometimes leaves nothing, so the runtime makes its own
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }) { IsBackground = true };
        racer.Start();
        int failed = 0, masked = 0;
        try
        {
            for (int i = 0; i < 40; i++)
            {
                var r = R.Run(b, NewId());
                Assert.DoesNotContain("exposed", r.Stdout);
                Assert.DoesNotContain("secret", r.Stdout);
                if (r.ExitCode == 0) masked++; else failed++;
            }
        }
        finally
        {
            stop.Cancel();
            racer.Join();
        }
        Assert.Equal(40, masked + failed);
    }

    /// <summary>
    /// CVE-2024-21626 class: process.cwd names /proc/self/fd/N, hoping N is a runtime fd still open on a host
    /// directory when the init changes directory. Every N must either fail or land inside the container.
    /// </summary>
    [Fact]
    public void Cwd_ThroughProcSelfFd_NeverLandsOnTheHost()
    {
        string marker = "host-marker-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(R.TempDir, marker), "x");
        for (int n = 3; n <= 24; n++)
        {
            var b = R.NewBundle().Sh("pwd; ls -a . ..");
            b.Process["cwd"] = $"/proc/self/fd/{n}";
            var r = R.Run(b, NewId(), new ExecOptions { Cwd = R.TempDir });
            Assert.DoesNotContain(marker, r.Stdout);
            Assert.DoesNotContain(marker, r.Stderr);
            if (r.ExitCode == 0) Assert.DoesNotContain("runsharp-it", r.Stdout);
        }
    }

    /// <summary>CVE-2024-21626 class, second half: only stdio (and --preserve-fds) reach the container's process.</summary>
    [Fact]
    public void OnlyStdioReachTheContainer()
    {
        var b = R.NewBundle().Sh("ls /proc/self/fd | sort -n | tr '\\n' ' '");
        var o = new ExecOptions { ExtraRedirections = "7</ 8>/dev/null 9<." };
        var r = R.Run(b, NewId(), o).Ok();
        Assert.Equal("0 1 2 3 ", r.Stdout); // 3 is the fd ls reads /proc/self/fd with
    }

    /// <summary>
    /// CVE-2019-16884 / CVE-2023-27561 class: a mount over /proc/self/attr (or anywhere under /proc that is not a
    /// plain proc file) can hide the LSM interface from the runtime, so the profile is written into a tmpfs.
    /// </summary>
    [Theory]
    [InlineData("/proc/self/attr")]
    [InlineData("/proc/self")]
    [InlineData("/proc/1/attr/current")]
    public void MountsOverProcInterfaces_AreRefused(string destination)
    {
        var b = R.NewBundle().Sh("true");
        b.AddMount(destination, "tmpfs", "tmpfs");
        var id = NewId();
        var r = R.Run(b, id);
        Env.RunsharpOnly(() => { r.Fails(); Assert.Contains("mounts[", r.Stderr); Assert.Contains("/proc", r.Stderr); });
    }

    /// <summary>
    /// CVE-2023-28642 class: the rootfs's /proc is a symlink, so proc would be mounted somewhere else and
    /// /proc/self/attr, masked and read-only paths would not be where the runtime thinks.
    /// </summary>
    [Fact]
    public void ProcMount_OntoASymlink_IsRefused()
    {
        var b = R.NewBundle(privateRootfs: true).Sh("ls /");
        string proc = Path.Combine(b.RootfsPath, "proc");
        if (Directory.Exists(proc)) Directory.Delete(proc, true);
        Directory.CreateDirectory(Path.Combine(b.RootfsPath, "elsewhere"));
        File.CreateSymbolicLink(proc, "elsewhere");
        var r = R.Run(b, NewId());
        r.Fails();
        Env.RunsharpOnly(() => Assert.Contains("symlink", r.Stderr));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(b.RootfsPath, "elsewhere")));
    }

    /// <summary>CVE-2022-29162 class: inheritable (and so ambient) capabilities are exactly the spec's, never more.</summary>
    [Fact]
    public void InheritableAndAmbient_AreNotGrantedBeyondTheSpec()
    {
        var b = R.NewBundle().Sh("grep -E '^Cap(Inh|Amb):' /proc/self/status");
        b.Process["capabilities"]!.AsObject().Remove("ambient");
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        var lines = Lines(R.RunOk(b));
        Assert.Equal(new[] { "CapInh:\t0000000000000000", "CapAmb:\t0000000000000000" }, lines);
    }
}
