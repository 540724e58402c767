namespace Runtime.Integration.Tests;

/// <summary>
/// CVE-2019-16884, CVE-2023-27561 and CVE-2025-52881 classes for the LSM label: the init writes
/// process.selinuxLabel to /proc/thread-self/attr/exec just before execve. A mount over /proc/self/attr (or over
/// the attr file, or another procfs file bound onto it) takes that write, and the container runs unconfined while
/// the runtime believes it labelled it. The spec cannot ask for such a mount (ProcMountRules, see EscapeTests), so
/// here a createRuntime hook makes it inside the container's mount namespace after the runtime mounted /proc: the
/// same state a racing mount or a shared volume would leave.
///
/// This host runs no LSM. runsharp only writes a label on a host that has SELinux (it refuses otherwise), so the
/// runtime runs in a mount namespace of its own where /sys/fs/selinux/enforce exists. The kernel then refuses the
/// label itself (EINVAL: no LSM takes it), which is the proof that an honest write reached procfs; with a hostile
/// mount the runtime must refuse before writing, naming the field, and the file the mount put there stays as it was.
/// runc 1.1.5 checks for selinuxfs itself, sees none and ignores the label: only the "never written" checks apply to it.
/// </summary>
public class ProcAttrEscapeTests : IntegrationTest
{
    private const string Label = "system_u:system_r:container_t:s0";
    private const string Untouched = "untouched\n";

    /// <summary>sh -c script for the runtime's own mount namespace: a tmpfs over /sys/fs with selinux/enforce, the cgroup tree put back.</summary>
    private const string SelinuxLookingHost =
        "d=$(mktemp -d) && mount --rbind /sys/fs/cgroup \"$d\" && mount -t tmpfs tmpfs /sys/fs && " +
        "mkdir /sys/fs/cgroup /sys/fs/selinux && mount --rbind \"$d\" /sys/fs/cgroup && umount -R \"$d\" && rmdir \"$d\" && " +
        "touch /sys/fs/selinux/enforce && exec \"$@\"";

    private static ExecOptions OnSelinuxLookingHost() =>
        new() { Prefix = ["unshare", "--mount", "--propagation", "private", "sh", "-c", SelinuxLookingHost, "sh"] };

    private Bundle LabelledBundle()
    {
        var b = R.NewBundle().Sh("echo ran");
        b.Process["selinuxLabel"] = Label;
        return b;
    }

    /// <summary>A createRuntime hook that bind-mounts <paramref name="source"/> onto <paramref name="target"/> (a path under the container's /proc) in the container's mount namespace.</summary>
    private static void MountFromHook(Bundle b, string source, string target)
    {
        string script = "pid=$(grep -o '\"pid\": *[0-9]*' | grep -o '[0-9]*$') && " +
            $"exec /usr/bin/nsenter --mount=/proc/$pid/ns/mnt /bin/mount --bind {Env.Q(source)} {Env.Q(target)}";
        b.Config["hooks"] = new JsonObject
        {
            ["createRuntime"] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = Json.Arr("sh", "-c", script) }),
        };
    }

    /// <summary>No hostile mount: the write goes to the container's procfs and the kernel, with no LSM, refuses the label.</summary>
    [Fact]
    public void Label_OnAnHonestProc_ReachesTheKernel()
    {
        var r = R.Run(LabelledBundle(), NewId(), OnSelinuxLookingHost());
        Env.RunsharpOnly(() =>
        {
            r.Fails();
            Assert.Contains("unable to write /proc/thread-self/attr/exec (process.selinuxLabel): invalid argument", r.Stderr);
        });
    }

    /// <summary>
    /// A host directory bound over the init's attr directory, or a host file over attr/exec: the label would land in
    /// the host file. runsharp refuses (the open crosses a mount: EXDEV) and the host file keeps its content.
    /// </summary>
    [Theory]
    [InlineData("attr")]
    [InlineData("attr/exec")]
    public void Label_WithAHostFileMountedOverProcAttr_IsRefused_NotWritten(string over)
    {
        string hostAttr = R.TempPath("fake-attr");
        Directory.CreateDirectory(hostAttr);
        File.WriteAllText(Path.Combine(hostAttr, "exec"), Untouched);
        var b = LabelledBundle();
        // The init is pid 1 of its pid namespace, and /proc/thread-self is 1/task/1 there.
        MountFromHook(b, over == "attr" ? hostAttr : Path.Combine(hostAttr, "exec"), Path.Combine(b.RootfsPath, "proc/1/task/1", over));
        var r = R.Run(b, NewId(), OnSelinuxLookingHost());
        Assert.Equal(Untouched, File.ReadAllText(Path.Combine(hostAttr, "exec")));
        Env.RunsharpOnly(() =>
        {
            r.Fails();
            Assert.Contains("process.selinuxLabel", r.Stderr);
            Assert.Contains("crossing a mount", r.Stderr);
            Assert.Contains("cross-device", r.Stderr);
        });
    }

    /// <summary>
    /// CVE-2025-52881's own trick: another procfs file (here the container's kernel/hostname, harmless) bound onto
    /// attr/exec, so the write goes to procfs, only not to the file meant. A filesystem check alone would pass it;
    /// the open beneath /proc without crossing a mount does not.
    /// </summary>
    [Fact]
    public void Label_WithAnotherProcfsFileMountedOverAttrExec_IsRefused()
    {
        var b = LabelledBundle();
        b.Process["args"] = Json.Arr("sh", "-c", "hostname");
        MountFromHook(b, Path.Combine(b.RootfsPath, "proc/sys/kernel/hostname"), Path.Combine(b.RootfsPath, "proc/1/task/1/attr/exec"));
        var r = R.Run(b, NewId(), OnSelinuxLookingHost());
        Assert.DoesNotContain(Label, r.Stdout);
        Env.RunsharpOnly(() =>
        {
            r.Fails();
            Assert.Contains("process.selinuxLabel", r.Stderr);
            Assert.Contains("cross-device", r.Stderr);
        });
    }
}
