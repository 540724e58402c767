namespace Runtime.Integration.Tests.Harness;

/// <summary>
/// An OCI bundle in a temp dir. <see cref="Config"/> is a mutable JSON tree made from <see cref="DefaultConfig"/>;
/// tweak it (<c>b.Config["process"]!["args"] = Json.Arr("true")</c>) and it is written to config.json when the
/// runtime is called. root.path is the absolute path of the shared rootfs, or of a private copy.
/// </summary>
public sealed class Bundle
{
    public string Dir { get; }
    public JsonNode Config { get; set; }
    /// <summary>False for tests that want to write config.json themselves (bad input).</summary>
    public bool WriteConfig { get; set; } = true;

    public Bundle(string dir, bool privateRootfs)
    {
        Dir = dir;
        Directory.CreateDirectory(dir);
        string rootfs;
        if (privateRootfs)
        {
            rootfs = Path.Combine(dir, "rootfs");
            SharedRootfs.CopyTo(rootfs);
        }
        else rootfs = SharedRootfs.Path;
        Config = DefaultConfig();
        Config["root"]!["path"] = rootfs;
    }

    public string RootfsPath => (string)Config["root"]!["path"]!;
    public JsonObject Process => Config["process"]!.AsObject();
    public JsonObject Linux => Config["linux"]!.AsObject();

    /// <summary>Sets process.args.</summary>
    public Bundle Args(params string[] args) { Config["process"]!["args"] = Json.Arr(args); return this; }

    /// <summary>Sets process.args to <c>sh -c script</c>.</summary>
    public Bundle Sh(string script) => Args("sh", "-c", script);

    public void AddMount(string destination, string type, string source, params string[] options)
    {
        var m = new JsonObject { ["destination"] = destination, ["type"] = type, ["source"] = source };
        if (options.Length > 0) m["options"] = Json.Arr(options);
        Config["mounts"]!.AsArray().Add(m);
    }

    public void SetNamespace(string type, string? path = null)
    {
        var arr = Linux["namespaces"]!.AsArray();
        foreach (var n in arr.ToList())
            if ((string?)n!["type"] == type) arr.Remove(n);
        var ns = new JsonObject { ["type"] = type };
        if (path != null) ns["path"] = path;
        arr.Add(ns);
    }

    public void RemoveNamespace(string type)
    {
        var arr = Linux["namespaces"]!.AsArray();
        foreach (var n in arr.ToList())
            if ((string?)n!["type"] == type) arr.Remove(n);
    }

    public void Save()
    {
        if (WriteConfig)
            File.WriteAllText(Path.Combine(Dir, "config.json"), Config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Like `runc spec` (runtime-spec 1.0.2), but terminal false, root not read-only (root.path is set by the
    /// constructor), hostname runsharp-test, and a short-lived default process.
    /// </summary>
    public static JsonNode DefaultConfig() => JsonNode.Parse("""
    {
      "ociVersion": "1.0.2-dev",
      "process": {
        "terminal": false,
        "user": { "uid": 0, "gid": 0 },
        "args": [ "sh", "-c", "echo hello" ],
        "env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" ],
        "cwd": "/",
        "capabilities": {
          "bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
          "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
          "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
          "ambient": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
        },
        "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
        "noNewPrivileges": true
      },
      "root": { "path": "rootfs", "readonly": false },
      "hostname": "runsharp-test",
      "mounts": [
        { "destination": "/proc", "type": "proc", "source": "proc" },
        { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
        { "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
        { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
        { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": [ "nosuid", "noexec", "nodev" ] },
        { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": [ "nosuid", "noexec", "nodev", "ro" ] },
        { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }
      ],
      "linux": {
        "resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
        "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ],
        "maskedPaths": [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                         "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
        "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
      }
    }
    """)!;
}

public static class Json
{
    public static JsonArray Arr(params string[] items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
    public static JsonArray Arr(params long[] items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
}
