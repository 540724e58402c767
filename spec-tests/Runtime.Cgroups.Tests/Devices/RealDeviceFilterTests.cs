using System.Diagnostics;
using Runsharp.Cgroups.Devices;
using Runsharp.Linux;
using Runsharp.Linux.Bpf;
using Runsharp.Spec;
using static Runsharp.Cgroups.Tests.Devices.DeviceRuleText;

namespace Runsharp.Cgroups.Tests.Devices;

/// <summary>Runs as root where a cgroup2 hierarchy is mounted (this host's controller-less
/// /sys/fs/cgroup/unified, or a pure v2 guest): device programs need no controller.</summary>
public sealed class Cgroup2RootFactAttribute : FactAttribute
{
    public Cgroup2RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root";
        else if (RealDeviceFilterTests.Cgroup2Mount() is null)
            Skip = "needs a cgroup2 mount";
    }
}

/// <summary>The device filter against the real kernel: the verifier accepts what we emit, attaching replaces the
/// previous program, and a process in the cgroup gets exactly the access the rules give.</summary>
public class RealDeviceFilterTests
{
    internal static string? Cgroup2Mount()
    {
        try { return CgroupHost.Detect().Unified?.MountPoint; }
        catch (CgroupException) { return null; }
    }

    static DevicePolicy Policy(params string[] rules) =>
        DevicePolicy.Emulate(rules.Select(r => (DeviceRule.Parse(Rule(r), "test"), "test")));

    static uint[] Attached(string dir)
    {
        int fd = Posix.Open(dir, Runsharp.Linux.Native.Flags.O_DIRECTORY);
        try { return BpfSyscalls.Query(fd, BpfSyscalls.AttachCgroupDevice).Ids; }
        finally { Posix.Close(fd); }
    }

    /// <summary>A shell that moves itself into <paramref name="dir"/> and tries each open; one line per try:
    /// "denied" when the open fails with EPERM, "ok" otherwise (a driver's own error, such as ENXIO from
    /// /dev/tty without a terminal, comes after the device check passed).</summary>
    static string[] TryOpens(string dir, params string[] redirections)
    {
        var script = $"echo $$ > {dir}/cgroup.procs || exit 9\n" +
                     string.Concat(redirections.Select(r =>
                         $"case $( ( : {r} ) 2>&1 ) in *'not permitted'*) echo '{r} denied';; *) echo '{r} ok';; esac\n"));
        var psi = new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    static void WithCgroup(Action<string> test)
    {
        var dir = Path.Combine(Cgroup2Mount()!, TestCgroups.NewName());
        Directory.CreateDirectory(dir);
        try { test(dir); }
        finally { Directory.Delete(dir); }
    }

    [Cgroup2RootFact]
    public void The_verifier_accepts_the_programs_for_representative_rule_sets()
    {
        string[][] sets =
        [
            [], ["deny a"], ["allow a"], ["deny a", "allow c 1:3 r"], ["allow a", "deny c 240:7 w", "deny b *:* r"],
            ["deny a", "allow c 4294967295:2147483648 rwm", "allow b *:7 m", "allow c 136:* rw"],
        ];
        WithCgroup(dir =>
        {
            foreach (var set in sets)
            {
                V2.KernelDeviceProgramTarget.Attach(dir, DeviceProgram.Compile(Policy(set)));
                Assert.Single(Attached(dir));
            }
            V2.KernelDeviceProgramTarget.Attach(dir, DeviceProgram.Compile(DevicePolicy.Emulate(DeviceRules.Sequence(null, []))));
            Assert.Single(Attached(dir));
        });
    }

    [Cgroup2RootFact]
    public void A_process_in_the_cgroup_gets_exactly_the_access_the_rules_give_and_an_update_replaces_them()
    {
        WithCgroup(dir =>
        {
            V2.KernelDeviceProgramTarget.Attach(dir, DeviceProgram.Compile(Policy("deny a", "allow c 1:3 r", "allow c 1:7 w")));
            var first = Assert.Single(Attached(dir));
            Assert.Equal(["</dev/null ok", ">/dev/null denied", "</dev/zero denied", ">/dev/full ok"],
                TryOpens(dir, "</dev/null", ">/dev/null", "</dev/zero", ">/dev/full"));

            V2.KernelDeviceProgramTarget.Attach(dir, DeviceProgram.Compile(Policy("allow a", "deny c 1:7 w")));
            var second = Assert.Single(Attached(dir));
            Assert.NotEqual(first, second);
            Assert.Equal(["</dev/null ok", ">/dev/null ok", "</dev/zero ok", ">/dev/full denied"],
                TryOpens(dir, "</dev/null", ">/dev/null", "</dev/zero", ">/dev/full"));
        });
    }

    [Cgroup2RootFact]
    public void The_device_filter_of_a_v2_manager_applies_the_spec_rules_with_the_defaults()
    {
        WithCgroup(dir =>
        {
            var filter = new V2.DeviceFilter([Node("/dev/null", "c", 1, 3)]);
            filter.Apply(dir, Rules("deny a", "allow c 1:3 r"));
            Assert.Equal(["</dev/null ok", ">/dev/null denied", "</dev/zero ok", "</dev/tty ok"],
                TryOpens(dir, "</dev/null", ">/dev/null", "</dev/zero", "</dev/tty"));
            Assert.Single(Attached(dir));
        });
    }

    [Cgroup2RootFact]
    public void A_program_the_verifier_refuses_is_reported_with_its_log()
    {
        WithCgroup(dir =>
        {
            // exit without setting r0: the verifier says "R0 !read_ok".
            var e = Assert.Throws<CgroupException>(() => V2.KernelDeviceProgramTarget.Attach(dir, [new BpfInstruction(BpfOp.JMP | BpfOp.EXIT, 0, 0, 0, 0)]));
            Assert.Contains("unable to load the device filter (eBPF, 1 instructions): permission denied; verifier log:", e.Message);
            Assert.Contains("R0", e.Message);
            Assert.Empty(Attached(dir));
        });
    }
}

/// <summary>The emulation against the kernel's own v1 devices cgroup: the same random rule lists written to
/// devices.allow/deny must leave devices.list listing exactly the emulated exceptions.</summary>
public class DevicePolicyAgainstV1KernelTests
{
    [HybridRootFact]
    public void Random_rule_lists_leave_the_same_exceptions_as_the_v1_kernel()
    {
        var devicesMount = CgroupHost.Detect().V1Mount("devices")?.MountPoint;
        if (devicesMount is null)
            return; // no v1 devices hierarchy on this host
        var dir = Path.Combine(devicesMount, TestCgroups.NewName());
        Directory.CreateDirectory(dir);
        try
        {
            var random = new Random(7);
            string[] types = ["a", "b", "c", "c", "c"];
            string[] majors = ["*", "1", "240"];
            string[] minors = ["*", "3", "7"];
            string[] accesses = ["r", "w", "m", "rw", "rm", "wm", "rwm"];
            int compared = 0;
            for (int n = 0; n < 150; n++)
            {
                var rules = new List<LinuxDeviceCgroup> { Rule("deny a") };
                for (int k = random.Next(1, 7); k > 0; k--)
                    rules.Add(Rule($"{(random.Next(3) == 0 ? "deny" : "allow")} {types[random.Next(types.Length)]} " +
                                   $"{majors[random.Next(majors.Length)]}:{minors[random.Next(minors.Length)]} {accesses[random.Next(accesses.Length)]}"));
                var sequence = rules.Select((r, i) => (DeviceRule.Parse(r, $"r{i}"), $"r{i}")).ToList();
                DevicePolicy policy;
                try { policy = DevicePolicy.Emulate(sequence); }
                catch (CgroupException) { continue; } // a hole v1 would silently ignore
                foreach (var (file, value) in DeviceRules.V1Writes(sequence))
                    File.WriteAllText(Path.Combine(dir, file), value);
                var list = File.ReadAllLines(Path.Combine(dir, "devices.list"));
                var expected = policy.DefaultAllow
                    ? ["a *:* rwm"]
                    : policy.Exceptions.Select(e => e.ToString()["allow ".Length..]).ToArray();
                Assert.True(expected.SequenceEqual(list),
                    $"{string.Join(", ", rules.Select(DeviceRules.Format))}\nkernel:   {string.Join(" | ", list)}\nemulated: {string.Join(" | ", expected)}");
                compared++;
            }
            Assert.True(compared > 80, $"only {compared} lists compared");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
