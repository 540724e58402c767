using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Runtime.Engine.Tests.Harness;

/// <summary>
/// The engines' image, made locally (no registry): the suite's busybox rootfs (scripts/mkrootfs.sh) as one
/// layer in a docker-archive tarball, which `ctr images import`, `podman load` and `docker load` all read.
/// It holds two tags over the same layer: <see cref="Root"/> runs as root, <see cref="User1000"/> has
/// "User": "1000:1000" in its config (ctr run has no --user flag; the image config is how it sets one).
/// Beyond the rootfs the layer holds /var/tmp/from-image (<see cref="VarTmpContent"/>), content for podman's
/// tmpcopyup to carry into the tmpfs it mounts there.
/// </summary>
public static class BusyboxImage
{
    public const string Root = "runsharp.test/busybox:latest";
    public const string User1000 = "runsharp.test/busybox:user1000";
    public const string VarTmpContent = "written into the image";

    private static readonly Lazy<string> Lazy = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Path of the docker-archive tarball (built once per test run).</summary>
    public static string Archive => Lazy.Value;

    private static string Build()
    {
        var work = Path.Combine(SharedRootfs.RunDir, "image");
        Directory.CreateDirectory(work);
        var layer = Path.Combine(work, "layer.tar");
        Check(Sh.Run($"tar --numeric-owner -C {Env.Q(SharedRootfs.Path)} -cf {Env.Q(layer)} .", TimeSpan.FromMinutes(2)), "tar of the rootfs");
        var extra = Path.Combine(work, "extra");
        Directory.CreateDirectory(Path.Combine(extra, "var", "tmp"));
        File.WriteAllText(Path.Combine(extra, "var", "tmp", "from-image"), VarTmpContent + "\n");
        Check(Sh.Run($"chmod 1777 {Env.Q(Path.Combine(extra, "var", "tmp"))} && tar --numeric-owner --owner=0 --group=0 -C {Env.Q(extra)} -rf {Env.Q(layer)} ./var", TimeSpan.FromMinutes(1)), "tar of /var/tmp");
        Directory.Delete(extra, true);
        var diffId = Sha256(File.ReadAllBytes(layer));
        Directory.CreateDirectory(Path.Combine(work, diffId));
        File.Move(layer, Path.Combine(work, diffId, "layer.tar"));

        var manifest = new JsonArray();
        var members = new List<string> { "manifest.json", diffId };
        foreach (var (tag, user) in new[] { (Root, ""), (User1000, "1000:1000") })
        {
            var config = new JsonObject
            {
                ["architecture"] = GoArch(),
                ["os"] = "linux",
                ["created"] = "2024-01-01T00:00:00Z",
                ["config"] = new JsonObject
                {
                    ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                    ["Cmd"] = new JsonArray("sh"),
                    ["User"] = user,
                },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray($"sha256:{diffId}") },
                ["history"] = new JsonArray(new JsonObject { ["created"] = "2024-01-01T00:00:00Z", ["created_by"] = "scripts/mkrootfs.sh" }),
            }.ToJsonString();
            var configName = Sha256(Encoding.UTF8.GetBytes(config)) + ".json";
            File.WriteAllText(Path.Combine(work, configName), config);
            members.Add(configName);
            manifest.Add(new JsonObject
            {
                ["Config"] = configName,
                ["RepoTags"] = new JsonArray(tag),
                ["Layers"] = new JsonArray($"{diffId}/layer.tar"),
            });
        }
        File.WriteAllText(Path.Combine(work, "manifest.json"), manifest.ToJsonString());
        var archive = Path.Combine(SharedRootfs.RunDir, "busybox-image.tar");
        Check(Sh.Run($"tar -C {Env.Q(work)} -cf {Env.Q(archive)} {string.Join(' ', members.Select(Env.Q))}", TimeSpan.FromMinutes(2)), "tar of the image");
        Directory.Delete(work, true);
        return archive;
    }

    private static string Sha256(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    private static string GoArch() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        _ => "amd64",
    };

    private static void Check(Sh.Result r, string what)
    {
        if (r.ExitCode != 0) throw new InvalidOperationException($"{what} failed: {r.Stderr}");
    }
}
