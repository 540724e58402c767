using System.Globalization;

namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// A container's cgroup limits in the spec's (v1) terms, read from the v1 files on v1 and hybrid hosts and from
/// their v2 counterparts on pure v2, the way runc maps one to the other: memory.limit_in_bytes / memory.max,
/// memory.memsw.limit_in_bytes / memory.max + memory.swap.max, memory.soft_limit_in_bytes / memory.low,
/// cpu.cfs_quota_us and cpu.cfs_period_us / cpu.max, cpu.shares / cpu.weight (see <see cref="Shares"/>),
/// blkio.weight / io.weight. Values are the files' own text, so a wrong write still fails the assertion.
/// The reader takes (v1 controller, file name): the host's files (<see cref="OnHost"/>) or the container's own
/// view of them through its "cgroup" mount.
/// </summary>
public sealed class CgroupLimits(Func<string, string, string?> read)
{
    /// <summary>The cgroup at <paramref name="path"/> as the host shows it.</summary>
    public static CgroupLimits OnHost(string path) => new((controller, file) =>
    {
        var f = Path.Combine(HostCgroups.Dir(controller, path), file);
        return File.Exists(f) ? File.ReadAllText(f).Trim() : null;
    });

    /// <summary>The container's own view of its cgroup (the default bundle's "cgroup" mount), read with one exec
    /// of a shell that prints every file the properties may read (those missing, e.g. io.bfq.weight without BFQ, are
    /// left out).</summary>
    public static CgroupLimits InContainer(Runtime r, string id)
    {
        var paths = Files.Select(f => HostCgroups.Inside(f.Controller, f.File)).ToArray();
        var res = r.Exec(new[] { "exec", id, "sh", "-c", "for f; do v=$(cat \"$f\" 2>/dev/null) && echo \"$f=$v\"; done; true", "sh" }.Concat(paths)).Ok();
        var values = res.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        return new((controller, file) => values.GetValueOrDefault(HostCgroups.Inside(controller, file)));
    }

    /// <summary>Every (controller, file) the properties read on this host's layout.</summary>
    public static IReadOnlyList<(string Controller, string File)> Files => V2
        ? [("memory", "memory.max"), ("memory", "memory.swap.max"), ("memory", "memory.low"), ("pids", "pids.max"),
           ("cpu", "cpu.weight"), ("cpu", "cpu.max"), ("cpuset", "cpuset.cpus"), ("cpuset", "cpuset.mems"),
           ("io", "io.weight"), ("io", "io.bfq.weight")]
        : [("memory", "memory.limit_in_bytes"), ("memory", "memory.memsw.limit_in_bytes"), ("memory", "memory.soft_limit_in_bytes"),
           ("pids", "pids.max"), ("cpu", "cpu.shares"), ("cpu", "cpu.cfs_quota_us"), ("cpu", "cpu.cfs_period_us"),
           ("cpuset", "cpuset.cpus"), ("cpuset", "cpuset.mems"), ("blkio", "blkio.weight"), ("blkio", "blkio.bfq.weight")];

    private static bool V2 => HostCgroups.IsV2;

    private string Read(string controller, string file) =>
        read(controller, file) ?? throw new Xunit.Sdk.XunitException($"cgroup file {controller}/{file} is missing");

    public string Memory => V2 ? Read("memory", "memory.max") : Read("memory", "memory.limit_in_bytes");

    /// <summary>memory+swap, as the spec's memory.swap means it; v2 keeps the swap part alone in memory.swap.max.</summary>
    public string MemorySwap
    {
        get
        {
            if (!V2) return Read("memory", "memory.memsw.limit_in_bytes");
            string memory = Read("memory", "memory.max"), swap = Read("memory", "memory.swap.max");
            return memory == "max" || swap == "max" ? "max" : (ulong.Parse(memory, CultureInfo.InvariantCulture) + ulong.Parse(swap, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
        }
    }

    public string MemoryReservation => V2 ? Read("memory", "memory.low") : Read("memory", "memory.soft_limit_in_bytes");

    public string Pids => Read("pids", "pids.max");

    /// <summary>cpu.shares on v1, cpu.weight on v2: compare with <see cref="Shares"/>.</summary>
    public string CpuShares => V2 ? Read("cpu", "cpu.weight") : Read("cpu", "cpu.shares");

    /// <summary>The quota in µs, "-1" for none (v2's "max").</summary>
    public string CpuQuota => V2 ? CpuMax()[0] is var q && q == "max" ? "-1" : q : Read("cpu", "cpu.cfs_quota_us");

    public string CpuPeriod => V2 ? CpuMax()[1] : Read("cpu", "cpu.cfs_period_us");

    /// <summary>The burst in µs: cpu.cfs_burst_us on v1, cpu.max.burst on v2.</summary>
    public string CpuBurst => V2 ? Read("cpu", "cpu.max.burst") : Read("cpu", "cpu.cfs_burst_us");

    public string CpuIdle => Read("cpu", "cpu.idle");

    public string Cpus => Read("cpuset", "cpuset.cpus");

    public string Mems => Read("cpuset", "cpuset.mems");

    /// <summary>The block I/O weight file's text: blkio.weight or blkio.bfq.weight on v1, io.weight or io.bfq.weight
    /// ("default N") on v2; compare with <see cref="BlkioWeightFor"/>.</summary>
    public string BlkioWeight => V2
        ? read("io", "io.weight") ?? Read("io", "io.bfq.weight")
        : read("blkio", "blkio.weight") ?? Read("blkio", "blkio.bfq.weight");

    private string[] CpuMax()
    {
        var parts = Read("cpu", "cpu.max").Split(' ');
        Assert.True(parts.Length == 2, $"cpu.max is not 'QUOTA PERIOD': {string.Join(' ', parts)}");
        return parts;
    }

    /// <summary>What <see cref="CpuShares"/> shows for spec cpu.shares <paramref name="shares"/>: the shares on v1,
    /// on v2 the weight runc's documented conversion gives (1 + (shares - 2) * 9999 / 262142).</summary>
    public static string Shares(ulong shares) =>
        (V2 ? 1 + (shares - 2) * 9999 / 262142 : shares).ToString(CultureInfo.InvariantCulture);

    /// <summary>What <see cref="BlkioWeight"/> contains for spec blockIO.weight <paramref name="weight"/>: the weight
    /// on v1 (and in io.bfq.weight), else io.weight's 1 + (weight - 10) * 9999 / 990, as runc converts it.</summary>
    public string BlkioWeightFor(ulong weight) =>
        (V2 && read("io", "io.weight") is not null ? 1 + (weight - 10) * 9999 / 990 : weight).ToString(CultureInfo.InvariantCulture);
}
