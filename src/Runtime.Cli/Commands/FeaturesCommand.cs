using Runsharp.Container.Security;
using Runsharp.Container.Security.Seccomp;
using Runsharp.Spec;

namespace Runsharp.Cli.Commands;

/// <summary>`features`: what this build really supports, in the runtime-spec features.json format.</summary>
public static class FeaturesCommand
{
    public static int Run(CommandContext c)
    {
        var features = new Features
        {
            OciVersionMin = "1.0.0",
            OciVersionMax = DefaultSpec.OciVersion,
            Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
            MountOptions =
            [
                "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime",
                "loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
                "norelatime", "nostrictatime", "nosuid", "nosymfollow", "private", "rbind", "relatime", "remount",
                "ro", "rprivate", "rshared", "rslave", "runbindable", "rw", "shared", "silent", "slave", "strictatime",
                "suid", "symfollow", "sync", "tmpcopyup", "unbindable", "idmap", "ridmap",
                "ratime", "rdev", "rdiratime", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime",
                "rnostrictatime", "rnosuid", "rnosymfollow", "rrelatime", "rro", "rrw", "rstrictatime", "rsuid", "rsymfollow",
            ],
            Linux = new FeaturesLinux
            {
                Namespaces = ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
                Capabilities = Capabilities.Names.ToList(),
                Cgroup = new FeaturesCgroup { V1 = true, V2 = true, Systemd = false, SystemdUser = false, Rdma = false },
                Seccomp = new FeaturesSeccomp
                {
                    Enabled = true,
                    Actions = SeccompSupport.Actions.ToList(),
                    Operators = SeccompSupport.Operators.Keys.ToList(),
                    Archs = SeccompSupport.Architectures.Keys.ToList(),
                    KnownFlags = SeccompSupport.Flags.Keys.ToList(),
                    SupportedFlags = SeccompSupport.SupportedFlags().ToList(),
                },
                Apparmor = new FeaturesEnabled { Enabled = false },
                Selinux = new FeaturesEnabled { Enabled = false },
                MountExtensions = new FeaturesMountExtensions { Idmap = new FeaturesEnabled { Enabled = true } },
            },
        };
        Output.Write(SpecJson.Serialize(features) + "\n");
        return 0;
    }
}
