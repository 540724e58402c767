namespace Runsharp.Spec.Tests;

/// <summary>A config.json that uses every section we model, plus sections we do not (windows, solaris, vm).</summary>
internal static class FullConfig
{
    public const string Json = """
    {
      "ociVersion": "1.2.0",
      "process": {
        "terminal": true,
        "consoleSize": { "height": 25, "width": 80 },
        "user": { "uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [5, 6, 4294967295] },
        "args": ["sh", "-c", "echo hi"],
        "env": ["PATH=/usr/bin:/bin", "TERM=xterm"],
        "cwd": "/root",
        "capabilities": {
          "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL"],
          "effective": ["CAP_KILL"],
          "inheritable": [],
          "permitted": ["CAP_KILL"],
          "ambient": ["CAP_CHECKPOINT_RESTORE"]
        },
        "rlimits": [{ "type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 1024 }],
        "noNewPrivileges": true,
        "apparmorProfile": "acme_secure_profile",
        "oomScoreAdj": -500,
        "scheduler": { "policy": "SCHED_DEADLINE", "runtime": 10000, "deadline": 20000, "period": 30000, "flags": ["SCHED_FLAG_RECLAIM"] },
        "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
        "ioPriority": { "class": "IOPRIO_CLASS_BE", "priority": 4 },
        "execCPUAffinity": { "initial": "0-3", "final": "7" }
      },
      "root": { "path": "rootfs", "readonly": true },
      "hostname": "slartibartfast",
      "domainname": "example.org",
      "mounts": [
        { "destination": "/proc", "type": "proc", "source": "proc" },
        { "destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "idmap"],
          "uidMappings": [{ "containerID": 0, "hostID": 100000, "size": 65536 }],
          "gidMappings": [{ "containerID": 0, "hostID": 100000, "size": 65536 }] }
      ],
      "hooks": {
        "prestart": [{ "path": "/usr/bin/fix-mounts", "args": ["fix-mounts", "arg1"], "env": ["key1=value1"] }],
        "createRuntime": [{ "path": "/usr/bin/setup-network" }],
        "createContainer": [{ "path": "/usr/bin/mount-hook", "timeout": 5 }],
        "startContainer": [{ "path": "/usr/bin/refresh-ldcache" }],
        "poststart": [{ "path": "/usr/bin/notify-start", "timeout": 5 }],
        "poststop": [{ "path": "/usr/sbin/cleanup.sh", "args": ["cleanup.sh", "-f"] }]
      },
      "annotations": { "com.example.key1": "value1", "org.opencontainers.image.os": "linux" },
      "linux": {
        "uidMappings": [{ "containerID": 0, "hostID": 1000, "size": 32000 }],
        "gidMappings": [{ "containerID": 0, "hostID": 1000, "size": 32000 }],
        "sysctl": { "net.ipv4.ip_forward": "1", "kernel.shmmax": "4294967295" },
        "resources": {
          "devices": [
            { "allow": false, "access": "rwm" },
            { "allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw" }
          ],
          "memory": { "limit": 536870912, "reservation": 536870912, "swap": -1, "kernel": -1, "kernelTCP": -1,
                      "swappiness": 0, "disableOOMKiller": false, "useHierarchy": true, "checkBeforeUpdate": true },
          "cpu": { "shares": 1024, "quota": 1000000, "burst": 1000, "period": 500000, "realtimeRuntime": 950000,
                   "realtimePeriod": 1000000, "cpus": "2-3", "mems": "0-7", "idle": 1 },
          "pids": { "limit": 32771 },
          "blockIO": {
            "weight": 10, "leafWeight": 10,
            "weightDevice": [{ "major": 8, "minor": 0, "weight": 500, "leafWeight": 300 }],
            "throttleReadBpsDevice": [{ "major": 8, "minor": 0, "rate": 600 }],
            "throttleWriteBpsDevice": [{ "major": 8, "minor": 16, "rate": 700 }],
            "throttleReadIOPSDevice": [{ "major": 8, "minor": 0, "rate": 300 }],
            "throttleWriteIOPSDevice": [{ "major": 8, "minor": 16, "rate": 400 }]
          },
          "hugepageLimits": [{ "pageSize": "2MB", "limit": 9223372036854772000 }],
          "network": { "classID": 1048577, "priorities": [{ "name": "eth0", "priority": 500 }] },
          "rdma": { "mlx5_1": { "hcaHandles": 3, "hcaObjects": 10000 } },
          "unified": { "memory.high": "max", "io.max": "8:0 rbps=1024" }
        },
        "cgroupsPath": "/myRuntime/myContainer",
        "namespaces": [
          { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" },
          { "type": "mount" }, { "type": "user" }, { "type": "cgroup" }, { "type": "time" }
        ],
        "devices": [
          { "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0 },
          { "path": "/dev/sda", "type": "b", "major": 8, "minor": 0 }
        ],
        "netDevices": { "eth1": { "name": "ctr1" } },
        "seccomp": {
          "defaultAction": "SCMP_ACT_ERRNO",
          "defaultErrnoRet": 1,
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
          "flags": ["SECCOMP_FILTER_FLAG_LOG"],
          "listenerPath": "/run/seccomp-agent.sock",
          "listenerMetadata": "meta",
          "syscalls": [
            { "names": ["getcwd", "chmod"], "action": "SCMP_ACT_ALLOW" },
            { "names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
              "args": [{ "index": 0, "value": 4294967295, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ" }] },
            { "names": ["mkdir"], "action": "SCMP_ACT_NOTIFY" }
          ]
        },
        "rootfsPropagation": "slave",
        "maskedPaths": ["/proc/kcore"],
        "readonlyPaths": ["/proc/sys"],
        "mountLabel": "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811",
        "intelRdt": { "closID": "guaranteed_group", "l3CacheSchema": "L3:0=7f0;1=1f", "memBwSchema": "MB:0=20;1=70",
                      "schemata": ["L2:0=ff"], "enableMonitoring": true },
        "memoryPolicy": { "mode": "MPOL_BIND", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES"] },
        "personality": { "domain": "LINUX32", "flags": [] },
        "timeOffsets": { "monotonic": { "secs": 3600, "nanosecs": 5 }, "boottime": { "secs": -60 } }
      },
      "windows": { "layerFolders": ["C:\\layers"], "hyperv": {} },
      "solaris": { "milestone": "svc:/milestone/container:default", "anet": [{ "linkname": "net0" }] },
      "vm": { "hypervisor": { "path": "/usr/bin/qemu" }, "kernel": { "path": "/boot/vmlinuz" } },
      "zos": { "namespaces": [{ "type": "pid" }] },
      "someFutureField": { "nested": [1, 2, {"x": null}] }
    }
    """;
}
