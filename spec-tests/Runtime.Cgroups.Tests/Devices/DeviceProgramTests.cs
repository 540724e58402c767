using Runsharp.Cgroups.Devices;
using Runsharp.Linux.Bpf;
using Runsharp.Spec;
using static Runsharp.Cgroups.Tests.Devices.DeviceRuleText;

namespace Runsharp.Cgroups.Tests.Devices;

/// <summary>
/// The eBPF device program, proven without the kernel: each rule set goes through the whole pipeline
/// (sequence, emulation, compile, encode), the bytes are decoded and run by <see cref="BpfInterpreter"/> over
/// (type, major, minor, access) requests, and the answers are checked against tables written by hand from the
/// v1 devices cgroup's documented behaviour.
/// </summary>
public class DeviceProgramTests
{
    static byte[] Compile(List<LinuxDeviceCgroup>? rules, params LinuxDevice[] created) =>
        BpfInstruction.Encode(DeviceProgram.Compile(DevicePolicy.Emulate(DeviceRules.Sequence(rules, created))));

    static void AssertTable(byte[] program, params (string Request, bool Allowed)[] table)
    {
        var wrong = table.Where(t =>
        {
            var (kind, major, minor, access) = Request(t.Request);
            return BpfInterpreter.Allows(program, kind, major, minor, access) != t.Allowed;
        }).Select(t => $"{t.Request}: expected {(t.Allowed ? "allow" : "deny")}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Without_spec_rules_a_container_gets_the_default_set()
    {
        AssertTable(Compile(null),
            ("c 1:3 rw", true), ("c 1:3 m", true), ("c 1:5 rwm", true), ("c 1:7 rw", true), ("c 1:8 r", true), ("c 1:9 r", true),
            ("c 5:0 rw", true), ("c 5:2 rw", true), ("c 136:0 rw", true), ("c 136:4095 rw", true), ("c 10:200 rw", true),
            ("c 1:1 r", false), ("c 1:1 m", true), ("c 10:229 r", false), ("c 10:229 m", true), ("c 4:1 w", false),
            ("b 8:0 r", false), ("b 8:0 w", false), ("b 8:0 m", true), ("b 1:3 r", false), ("c 137:0 r", false));
    }

    [Fact]
    public void A_read_only_rule_gives_read_but_not_write()
    {
        AssertTable(Compile(Rules("deny a", "allow c 10:229 r")),
            ("c 10:229 r", true), ("c 10:229 w", false), ("c 10:229 rw", false), ("c 10:229 m", true), ("c 10:228 r", false),
            ("b 10:229 r", false));
    }

    [Fact]
    public void Later_rules_win_and_take_access_away_again()
    {
        AssertTable(Compile(Rules("deny a", "allow c 240:7 rwm", "allow c 240:8 rwm", "deny c 240:8 rwm", "deny c 240:7 w")),
            ("c 240:7 r", true), ("c 240:7 w", false), ("c 240:7 rw", false), ("c 240:8 r", false), ("c 240:8 w", false),
            ("c 240:8 m", true) /* c *:* m from the defaults */);
        // And a later allow gives it back.
        AssertTable(Compile(Rules("deny a", "allow c 240:7 r", "deny c 240:7 r", "allow c 240:7 rw")),
            ("c 240:7 rw", true));
    }

    [Fact]
    public void Allows_for_the_same_device_add_up()
    {
        // v1 merges them into one exception: "c 240:7 rw" allows opening read-write.
        AssertTable(Compile(Rules("deny a", "allow c 240:7 r", "allow c 240:7 w")),
            ("c 240:7 r", true), ("c 240:7 w", true), ("c 240:7 rw", true));
    }

    [Fact]
    public void Wildcards_match_any_number()
    {
        AssertTable(Compile(Rules("deny a", "allow c *:7 r", "allow b 8:* rw")),
            ("c 99:7 r", true), ("c 0:7 r", true), ("c 99:8 r", false), ("c 99:7 w", false),
            ("b 8:0 rw", true), ("b 8:1048575 r", true), ("b 9:0 r", false), ("c 8:0 r", false));
    }

    [Fact]
    public void Numbers_above_2_to_the_31_compare_as_unsigned_32_bit()
    {
        AssertTable(Compile(Rules("deny a", "allow c 4294967295:2147483648 r")),
            ("c 4294967295:2147483648 r", true), ("c 2147483647:2147483648 r", false), ("c 4294967295:0 r", false));
    }

    [Fact]
    public void An_allow_all_rule_turns_the_program_into_a_deny_list()
    {
        // After "allow a" only deny exceptions remain; a deny matches when it shares any access asked for.
        AssertTable(Compile(Rules("allow a", "deny c 240:7 w", "deny b *:* r")),
            ("c 240:7 r", true), ("c 240:7 w", false), ("c 240:7 rw", false), ("c 240:8 w", true),
            ("b 8:0 r", false), ("b 8:0 w", true), ("b 8:0 m", true), ("c 1:1 rwm", true));
    }

    [Fact]
    public void An_a_rule_resets_whatever_numbers_it_names()
    {
        // The kernel reads any rule of type a as "every device, every access"; so does the emulation.
        AssertTable(Compile(Rules("deny a", "allow c 240:7 rwm", "deny a 240:7 r")),
            ("c 240:7 r", false), ("c 1:3 rw", true) /* defaults come after */);
    }

    [Fact]
    public void A_spec_deny_of_a_default_device_holds_when_linux_devices_creates_that_path()
    {
        // runc drops a default rule whose path linux.devices creates, so the spec's deny decides.
        var nullNode = Node("/dev/null", "c", 1, 3);
        AssertTable(Compile(Rules("deny a", "deny c 1:3 rwm"), nullNode),
            ("c 1:3 r", false), ("c 1:3 w", false), ("c 1:5 r", true));
        // Without the node the default allow comes later and wins, as in runc.
        AssertTable(Compile(Rules("deny a", "deny c 1:3 rwm")), ("c 1:3 rw", true));
    }

    [Fact]
    public void Created_devices_are_allowed_unless_the_spec_rules_name_them()
    {
        var fuse = Node("/dev/fuse", "c", 10, 229);
        var disk = Node("/dev/sdz", "b", 8, 240);
        var fifo = Node("/dev/myfifo", "p", 0, 0);
        AssertTable(Compile(Rules("deny a"), fuse, disk, fifo),
            ("c 10:229 rw", true), ("b 8:240 rw", true), ("b 8:241 r", false), ("c 0:0 r", false));
        AssertTable(Compile(Rules("deny a", "allow c 10:229 r"), fuse),
            ("c 10:229 r", true), ("c 10:229 w", false));
        AssertTable(Compile(Rules("deny a", "allow c 10:* r"), fuse),
            ("c 10:229 r", true), ("c 10:229 w", false));
    }

    [Fact]
    public void Every_request_agrees_with_the_v1_semantics_for_random_rule_lists()
    {
        // Random lists over a small universe of devices, compared on every request against
        // DevicePolicy.Allows (the kernel's v1 check); lists the emulation refuses are skipped.
        var random = new Random(5);
        string[] types = ["a", "b", "c", "c", "c"];
        string[] majors = ["*", "1", "240", "4294967295"];
        string[] minors = ["*", "3", "7"];
        string[] accesses = ["r", "w", "m", "rw", "rm", "wm", "rwm"];
        int compared = 0;
        for (int n = 0; n < 400; n++)
        {
            var rules = new List<LinuxDeviceCgroup>();
            for (int k = random.Next(1, 7); k > 0; k--)
                rules.Add(Rule($"{(random.Next(2) == 0 ? "allow" : "deny")} {types[random.Next(types.Length)]} " +
                               $"{majors[random.Next(majors.Length)]}:{minors[random.Next(minors.Length)]} {accesses[random.Next(accesses.Length)]}"));
            DevicePolicy policy;
            try { policy = DevicePolicy.Emulate(DeviceRules.Sequence(rules, [])); }
            catch (CgroupException) { continue; }
            var program = BpfInstruction.Encode(DeviceProgram.Compile(policy));
            foreach (var kind in new[] { DeviceKind.Block, DeviceKind.Char })
            foreach (var major in new uint[] { 0, 1, 240, 4294967295 })
            foreach (var minor in new uint[] { 0, 3, 7 })
            for (var access = DeviceAccess.Mknod; access <= DeviceAccess.All; access++)
            {
                bool expected = policy.Allows(kind, major, minor, access);
                Assert.True(expected == BpfInterpreter.Allows(program, kind, major, minor, access),
                    $"{string.Join(", ", rules.Select(DeviceRules.Format))}: {kind} {major}:{minor} {access} should be {(expected ? "allowed" : "denied")}");
            }
            compared++;
        }
        Assert.True(compared > 200, $"only {compared} random lists were usable");
    }

    [Fact]
    public void The_program_reads_the_context_once_and_leaves_out_tests_that_always_pass()
    {
        var program = DeviceProgram.Compile(DevicePolicy.Emulate(DeviceRules.Sequence(Rules("deny a"), [])));
        // 6 instructions of prologue, then per default exception: type test, optional access/major/minor tests, verdict.
        Assert.Equal(6, program.TakeWhile(i => (i.Code & 0x07) != BpfOp.JMP32).Count());
        Assert.Equal(3, program.Count(i => i.Code == (BpfOp.LDX | BpfOp.MEM | BpfOp.W)));
        // "c 136:* rwm": type and major tests only, then r0 = 1 and exit; then the default r0 = 0 and exit.
        var single = DeviceProgram.Compile(DevicePolicy.Emulate([(new DeviceRule(false, DeviceKind.All, -1, -1, DeviceAccess.All), "t"),
            (new DeviceRule(true, DeviceKind.Char, 136, -1, DeviceAccess.All), "t")]));
        Assert.Equal(6 + 2 + 2 + 2, single.Length);
        Assert.Equal(new BpfInstruction(BpfOp.ALU | BpfOp.MOV | BpfOp.K, 0, 0, 0, 0), single[^2]);
        Assert.Equal(new BpfInstruction(BpfOp.JMP | BpfOp.EXIT, 0, 0, 0, 0), single[^1]);
    }

    [Fact]
    public void Instructions_encode_to_the_documented_bytes()
    {
        // The interpreter decodes with the same code that encodes, so check a few encodings by hand against the
        // eBPF instruction-set document: opcode, dst in the low nibble and src in the high nibble, off, imm.
        var e = new BpfEmitter();
        var end = e.NewLabel();
        e.LoadWord(BpfEmitter.R2, BpfEmitter.R1, 4).JumpIfNotEqual32(BpfEmitter.R2, 0xffffffff, end).Move32(BpfEmitter.R0, 1).Exit();
        e.Place(end);
        e.Move32(BpfEmitter.R0, 0).Exit();
        Assert.Equal(Convert.FromHexString(
            "6112040000000000" + // r2 = *(u32 *)(r1 + 4)
            "56020200ffffffff" + // if w2 != 0xffffffff goto +2
            "b400000001000000" + // w0 = 1
            "9500000000000000" + // exit
            "b400000000000000" + // w0 = 0
            "9500000000000000"), BpfInstruction.Encode(e.Build()));
    }

    [Fact]
    public void A_jump_to_a_label_never_placed_is_an_error()
    {
        var e = new BpfEmitter();
        e.Jump(e.NewLabel()).Exit();
        Assert.Throws<InvalidOperationException>(() => e.Build());
    }
}
