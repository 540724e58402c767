using System.Buffers.Binary;
using Runsharp.Container.Namespaces;
using Runsharp.Container.Process;
using Runsharp.Container.Process.Plan;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Linux.Native;
using Runsharp.Spec;

namespace Runsharp.Container.Tests;

/// <summary>
/// linux.seccomp built into BPF with the host's libseccomp, then judged by running the program in a small
/// classic-BPF interpreter against made-up syscalls: what matters is the verdict, not the instructions.
/// </summary>
public sealed class SeccompFilterTests
{
    private const uint Allow = 0x7fff0000, KillThread = 0, KillProcess = 0x80000000, Trap = 0x00030000, Log = 0x7ffc0000;
    private static uint Errno(int e) => 0x00050000u | (uint)e;
    private const uint ArchX86_64 = 0xC000003E, ArchX86 = 0x40000003, ArchAarch64 = 0xC00000B7;

    // x86_64 numbers
    private const int NrRead = 0, NrClone = 56, NrMkdir = 83, NrPersonality = 135, NrKexecLoad = 246, NrMkdirat = 258, NrSocket = 41;
    private const int NrReadI386 = 3, NrMkdirI386 = 39;

    private static LinuxSyscall Rule(string action, params string[] names) => new() { Action = action, Names = [.. names] };

    private static LinuxSeccompArg Arg(uint index, string op, ulong value, ulong two = 0) => new() { Index = index, Op = op, Value = value, ValueTwo = two };

    /// <summary>Shaped like docker's and runtime-tools' default profiles, cut down.</summary>
    private static LinuxSeccomp DockerLike() => new()
    {
        DefaultAction = "SCMP_ACT_ERRNO",
        DefaultErrnoRet = 1,
        Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        Syscalls =
        [
            Rule("SCMP_ACT_ALLOW", "read", "write", "close", "execve", "exit_group", "rt_sigaction", "rt_sigprocmask",
                "prctl", "newfstatat", "mkdir", "mkdirat", "chown32", "_llseek", "not_a_syscall_at_all", "fstat64"),
            new() { Action = "SCMP_ACT_ALLOW", Names = ["personality"], Args = [Arg(0, "SCMP_CMP_EQ", 0)] },
            new() { Action = "SCMP_ACT_ALLOW", Names = ["personality"], Args = [Arg(0, "SCMP_CMP_EQ", 8)] },
            new() { Action = "SCMP_ACT_ALLOW", Names = ["personality"], Args = [Arg(0, "SCMP_CMP_EQ", 0xffffffff)] },
            // clone without namespace flags (mask 0x7E020000 must be all clear)
            new() { Action = "SCMP_ACT_ALLOW", Names = ["clone"], Args = [Arg(0, "SCMP_CMP_MASKED_EQ", 0x7E020000, 0)] },
            new() { Action = "SCMP_ACT_ERRNO", ErrnoRet = 38, Names = ["kexec_load"] },
            new() { Action = "SCMP_ACT_ALLOW", Names = ["socket"], Args = [Arg(0, "SCMP_CMP_NE", 40)] },
        ],
    };

    [Fact]
    public void DockerLikeProfile_Verdicts()
    {
        var p = SeccompFilterBuilder.Build(DockerLike())!;
        Assert.Equal(0u, p.Flags);
        Assert.Equal(0, p.Bpf.Length % 8);
        Assert.Equal(p.Bpf.Length / 8, p.InstructionCount);

        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrRead, ArchX86_64));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrMkdir, ArchX86_64));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrMkdirat, ArchX86_64));
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, 1000, ArchX86_64)); // not in the list: the default
        Assert.Equal(Errno(38), Bpf.Run(p.Bpf, NrKexecLoad, ArchX86_64)); // errnoRet of the rule

        // Argument conditions
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 0));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 8));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 0xffffffff));
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 5));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrClone, ArchX86_64, 0x01200011 /* SIGCHLD|CLONE_CHILD_* */));
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrClone, ArchX86_64, 0x10000000 /* CLONE_NEWUSER */));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrSocket, ArchX86_64, 2));
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrSocket, ArchX86_64, 40));

        // The other listed architecture gets the same policy under its own numbers
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrReadI386, ArchX86));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrMkdirI386, ArchX86));
        // An architecture not in the filter is killed (libseccomp's bad-arch action)
        Assert.Equal(KillThread, Bpf.Run(p.Bpf, NrRead, ArchAarch64));
    }

    [Fact]
    public void DefaultAllow_DenyListWithErrno()
    {
        var s = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [new() { Action = "SCMP_ACT_ERRNO", ErrnoRet = 1, Names = ["mkdir", "mkdirat"] }] };
        var p = SeccompFilterBuilder.Build(s)!;
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrMkdir, ArchX86_64));
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrMkdirat, ArchX86_64));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrRead, ArchX86_64));
    }

    [Theory]
    [InlineData("SCMP_ACT_KILL", KillThread)]
    [InlineData("SCMP_ACT_KILL_THREAD", KillThread)]
    [InlineData("SCMP_ACT_KILL_PROCESS", KillProcess)]
    [InlineData("SCMP_ACT_TRAP", Trap)]
    [InlineData("SCMP_ACT_LOG", Log)]
    [InlineData("SCMP_ACT_ERRNO", 0x00050001u)] // EPERM without an errnoRet
    [InlineData("SCMP_ACT_TRACE", 0x7ff00001u)]
    public void Actions_MapToKernelValues(string action, uint expected)
    {
        var s = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [Rule(action, "mkdir")] };
        Assert.Equal(expected, Bpf.Run(SeccompFilterBuilder.Build(s)!.Bpf, NrMkdir, ArchX86_64));
        var d = new LinuxSeccomp { DefaultAction = action, Syscalls = [Rule("SCMP_ACT_ALLOW", "read")] };
        Assert.Equal(expected, Bpf.Run(SeccompFilterBuilder.Build(d)!.Bpf, NrMkdir, ArchX86_64));
    }

    [Fact]
    public void DefaultErrnoRet_IsTheDefaultsErrno()
    {
        var s = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ERRNO", DefaultErrnoRet = 95, Syscalls = [Rule("SCMP_ACT_ALLOW", "read")] };
        Assert.Equal(Errno(95), Bpf.Run(SeccompFilterBuilder.Build(s)!.Bpf, NrMkdir, ArchX86_64));
    }

    [Theory]
    [InlineData("SCMP_CMP_NE", 5, 4, true)]
    [InlineData("SCMP_CMP_NE", 5, 5, false)]
    [InlineData("SCMP_CMP_LT", 5, 4, true)]
    [InlineData("SCMP_CMP_LT", 5, 5, false)]
    [InlineData("SCMP_CMP_LE", 5, 5, true)]
    [InlineData("SCMP_CMP_LE", 5, 6, false)]
    [InlineData("SCMP_CMP_EQ", 0x100000005, 0x100000005, true)]
    [InlineData("SCMP_CMP_EQ", 0x100000005, 5, false)] // the high word counts
    [InlineData("SCMP_CMP_GE", 5, 5, true)]
    [InlineData("SCMP_CMP_GE", 5, 4, false)]
    [InlineData("SCMP_CMP_GT", 5, 6, true)]
    [InlineData("SCMP_CMP_GT", 5, 5, false)]
    public void Operators(string op, ulong value, ulong actual, bool matches)
    {
        var s = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new() { Action = "SCMP_ACT_ERRNO", Names = ["personality"], Args = [Arg(2, op, value)] }],
        };
        var p = SeccompFilterBuilder.Build(s)!;
        Assert.Equal(matches ? Errno(1) : Allow, Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 0, 0, actual));
    }

    [Fact]
    public void MaskedEq_ValueIsTheMask_ValueTwoTheResult()
    {
        var s = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new() { Action = "SCMP_ACT_ERRNO", Names = ["personality"], Args = [Arg(0, "SCMP_CMP_MASKED_EQ", 0xf0, 0x30)] }],
        };
        var p = SeccompFilterBuilder.Build(s)!;
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 0x3f));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 0x4f));
    }

    [Fact]
    public void Conditions_OnDifferentArgs_AllMustHold_OnTheSameArg_AnyMay()
    {
        var and = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new() { Action = "SCMP_ACT_ERRNO", Names = ["personality"], Args = [Arg(0, "SCMP_CMP_EQ", 1), Arg(1, "SCMP_CMP_EQ", 2)] }],
        };
        var p = SeccompFilterBuilder.Build(and)!;
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 1, 2));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 1, 3));

        var or = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new() { Action = "SCMP_ACT_ERRNO", Names = ["personality"], Args = [Arg(0, "SCMP_CMP_EQ", 1), Arg(0, "SCMP_CMP_EQ", 2)] }],
        };
        p = SeccompFilterBuilder.Build(or)!;
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 1));
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 2));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, NrPersonality, ArchX86_64, 3));
    }

    [Fact]
    public void RuleRepeatingTheDefault_IsDropped_UnknownNamesSkipped()
    {
        var s = new LinuxSeccomp
        {
            DefaultAction = "SCMP_ACT_ERRNO",
            Syscalls = [Rule("SCMP_ACT_ERRNO", "read"), Rule("SCMP_ACT_ALLOW", "no_such_syscall", "write")],
        };
        var p = SeccompFilterBuilder.Build(s)!;
        Assert.Equal(Errno(1), Bpf.Run(p.Bpf, NrRead, ArchX86_64));
        Assert.Equal(Allow, Bpf.Run(p.Bpf, 1, ArchX86_64));
    }

    [Fact]
    public void NoSeccomp_NoProgram() => Assert.Null(SeccompFilterBuilder.Build(null));

    [Fact]
    public void Flags_MapToSeccompFilterFlags()
    {
        var s = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC"] };
        Assert.Equal(3u, SeccompFilterBuilder.Build(s)!.Flags);
    }

    [Theory]
    [InlineData("action", "linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_FOO\"")]
    [InlineData("op", "linux.seccomp.syscalls[1].args[0].op: unknown operator \"SCMP_CMP_ABOUT\"")]
    [InlineData("index", "linux.seccomp.syscalls[1].args[0].index: 6 is out of range (0 to 5)")]
    [InlineData("notify", "linux.seccomp.listenerPath: must be set when a rule uses SCMP_ACT_NOTIFY")]
    [InlineData("arch", "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"")]
    [InlineData("flag", "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"")]
    [InlineData("default", "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_MAYBE\"")]
    public void Errors_NameTheField(string what, string message)
    {
        var s = DockerLike();
        var bad = new LinuxSyscall { Action = "SCMP_ACT_ERRNO", Names = ["mkdir"] };
        switch (what)
        {
            case "action": bad.Action = "SCMP_ACT_FOO"; break;
            case "op": bad.Args = [Arg(0, "SCMP_CMP_ABOUT", 1)]; break;
            case "index": bad.Args = [Arg(6, "SCMP_CMP_EQ", 1)]; break;
            case "notify": bad.Action = "SCMP_ACT_NOTIFY"; break;
            case "arch": s.Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"]; break;
            case "flag": s.Flags = ["SECCOMP_FILTER_FLAG_FOO"]; break;
            case "default": s.DefaultAction = "SCMP_ACT_MAYBE"; break;
        }
        s.Syscalls!.Insert(1, bad);
        var e = Assert.Throws<ContainerException>(() => SeccompFilterBuilder.Build(s));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public unsafe void LoadStep_PointsAtTheProgramInTheArena()
    {
        var program = SeccompFilterBuilder.Build(DockerLike())!;
        var b = new PlanBuilder();
        SeccompCompiler.CompileLoad(b, program with { Flags = 2 }, preserveFds: 1);
        Assert.Equal(2, b.StepCount);
        using var plan = b.Build(syncFd: 9);
        PlanStep* closeFds = plan.Header->Steps;
        Assert.Equal(Sys.close_range, closeFds->Nr);
        Assert.Equal(4, closeFds->Args[0]);
        PlanStep* load = plan.Header->Steps + 1;
        Assert.Equal(Sys.seccomp, load->Nr);
        Assert.Equal(1, load->Args[0]); // SECCOMP_SET_MODE_FILTER
        Assert.Equal(2, load->Args[1]);
        byte* fprog = (byte*)load->Args[2];
        Assert.Equal(program.InstructionCount, *(ushort*)fprog);
        byte* filter = *(byte**)(fprog + 8);
        Assert.True(new ReadOnlySpan<byte>(filter, program.Bpf.Length).SequenceEqual(program.Bpf));
        Assert.Contains("linux.seccomp", plan.Descriptions[1]);
    }

    [Fact]
    public void LoadStep_NothingWithoutAProgram()
    {
        var b = new PlanBuilder();
        SeccompCompiler.CompileLoad(b, null, 0);
        Assert.Equal(0, b.StepCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InitPlan_LoadPlacement(bool noNewPrivileges)
    {
        var tmp = Path.Combine(Path.GetTempPath(), "runsharp-sc-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(tmp, "rootfs"));
        try
        {
            var spec = DefaultSpec.Create(false);
            spec.Process!.Terminal = false;
            spec.Process.NoNewPrivileges = noNewPrivileges;
            spec.Process.User = new User { Uid = 1000, Gid = 1000 };
            spec.Linux!.Seccomp = DockerLike();
            var ctx = new InitContext
            {
                Spec = spec, BundleDir = tmp, RootfsPath = Path.Combine(tmp, "rootfs"),
                SyncWriteFd = 20, SyncReadFd = 21, GoReadFd = 22, GoWriteFd = 23, ExecFifoFd = 24,
            };
            using var ns = NamespaceSetup.Open(spec.Linux.Namespaces);
            var b = InitPlanCompiler.Compile(ctx, ns, "/root");
            using var plan = b.Build(syncFd: 20);
            var nrs = Numbers(plan);
            int load = nrs.IndexOf(Sys.seccomp);
            Assert.True(load > 0);
            Assert.Equal(load, nrs.LastIndexOf(Sys.seccomp));
            // The fd sweep runs once, right before the filter (old profiles deny close_range).
            Assert.Equal(load - 1, nrs.IndexOf(Sys.close_range));
            Assert.Equal(load - 1, nrs.LastIndexOf(Sys.close_range));
            int setuid = nrs.IndexOf(Sys.setresuid, nrs.IndexOf(Sys.setgroups));
            int capset = nrs.IndexOf(Sys.capset);
            int execve = nrs.IndexOf(Sys.execve);
            if (noNewPrivileges)
            {
                int nnp = Enumerable.Range(0, nrs.Count).Last(i => nrs[i] == Sys.prctl && Arg0(plan, i) == Flags.PR_SET_NO_NEW_PRIVS);
                Assert.True(load > capset && load > nnp && load > setuid);
            }
            else
            {
                Assert.True(load < setuid && load < capset);
            }
            Assert.True(load < execve);
        }
        finally { Directory.Delete(tmp, true); }
    }

    [Fact]
    public void InitPlan_WithoutSeccomp_NoLoad_OneSweep()
    {
        var tmp = Path.Combine(Path.GetTempPath(), "runsharp-sc-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(tmp, "rootfs"));
        try
        {
            var spec = DefaultSpec.Create(false);
            spec.Process!.Terminal = false;
            spec.Linux!.Seccomp = null;
            var ctx = new InitContext { Spec = spec, BundleDir = tmp, RootfsPath = Path.Combine(tmp, "rootfs"), SyncWriteFd = 20 };
            using var ns = NamespaceSetup.Open(spec.Linux.Namespaces);
            using var plan = InitPlanCompiler.Compile(ctx, ns, "/root").Build(syncFd: 20);
            var nrs = Numbers(plan);
            Assert.DoesNotContain(Sys.seccomp, nrs);
            Assert.Single(nrs, n => n == Sys.close_range);
        }
        finally { Directory.Delete(tmp, true); }
    }

    [Fact]
    public void Features_ListsWhatIsApplied()
    {
        Assert.Contains("SCMP_ACT_NOTIFY", SeccompSupport.Actions);
        Assert.Contains("SCMP_ARCH_X86_64", SeccompSupport.Architectures.Keys);
        Assert.Equal(7, SeccompSupport.Operators.Count);
        Assert.Contains("SECCOMP_FILTER_FLAG_LOG", SeccompSupport.SupportedFlags());
        foreach (var a in SeccompSupport.Actions) Assert.Contains(a, SeccompNames.Actions);
        foreach (var a in SeccompSupport.Architectures.Keys) Assert.Contains(a, SeccompNames.Architectures);
        foreach (var f in SeccompSupport.Flags.Keys) Assert.Contains(f, SeccompNames.Flags);
    }

    private static unsafe List<long> Numbers(NativePlan plan)
    {
        var list = new List<long>();
        for (int i = 0; i < plan.Header->StepCount; i++)
        {
            var s = plan.Header->Steps + i;
            list.Add(s->Kind == StepKind.Syscall ? s->Nr : -1);
        }
        return list;
    }

    private static unsafe long Arg0(NativePlan plan, int i) => (plan.Header->Steps + i)->Args[0];

    /// <summary>Classic BPF as the kernel runs a seccomp filter over struct seccomp_data.</summary>
    internal static class Bpf
    {
        public static uint Run(byte[] program, int nr, uint arch, params ulong[] args)
        {
            var data = new byte[64];
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(0), nr);
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), arch);
            for (int i = 0; i < args.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 + i * 8), args[i]);
            uint a = 0, x = 0;
            var mem = new uint[16];
            int pc = 0;
            for (int steps = 0; steps < 100_000; steps++)
            {
                var ins = program.AsSpan(pc * 8, 8);
                ushort code = BinaryPrimitives.ReadUInt16LittleEndian(ins);
                byte jt = ins[2], jf = ins[3];
                uint k = BinaryPrimitives.ReadUInt32LittleEndian(ins[4..]);
                pc++;
                uint src = (code & 0x08) != 0 ? x : k;
                switch (code & 0x07)
                {
                    case 0x00: // LD
                        a = (code & 0xe0) switch
                        {
                            0x00 => k,
                            0x20 => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)k)),
                            0x60 => mem[k],
                            0x80 => 64,
                            _ => throw new InvalidOperationException($"ld mode {code:x}"),
                        };
                        break;
                    case 0x01: // LDX
                        x = (code & 0xe0) switch { 0x00 => k, 0x60 => mem[k], 0x80 => 64, _ => throw new InvalidOperationException($"ldx {code:x}") };
                        break;
                    case 0x02: mem[k] = a; break;
                    case 0x03: mem[k] = x; break;
                    case 0x04: // ALU
                        a = (code & 0xf0) switch
                        {
                            0x00 => a + src, 0x10 => a - src, 0x20 => a * src, 0x30 => a / src, 0x40 => a | src,
                            0x50 => a & src, 0x60 => a << (int)src, 0x70 => a >> (int)src, 0x80 => (uint)-(int)a,
                            0x90 => a % src, 0xa0 => a ^ src, _ => throw new InvalidOperationException($"alu {code:x}"),
                        };
                        break;
                    case 0x05: // JMP
                        int op = code & 0xf0;
                        if (op == 0x00) { pc += (int)k; break; }
                        bool cond = op switch
                        {
                            0x10 => a == src, 0x20 => a > src, 0x30 => a >= src, 0x40 => (a & src) != 0,
                            _ => throw new InvalidOperationException($"jmp {code:x}"),
                        };
                        pc += cond ? jt : jf;
                        break;
                    case 0x06: return (code & 0x18) == 0x10 ? a : k; // RET
                    case 0x07: if ((code & 0xf8) == 0x00) x = a; else a = x; break; // TAX / TXA
                }
            }
            throw new InvalidOperationException("the program did not return");
        }
    }
}
