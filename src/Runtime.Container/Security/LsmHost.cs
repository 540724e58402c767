namespace Runsharp.Container.Security;

/// <summary>Which LSMs the host runs, found by the parent before the plan is compiled.</summary>
public readonly record struct LsmHost(bool AppArmor, bool Selinux)
{
    public static LsmHost None => default;

    public static LsmHost Detect() => new(
        File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").Trim() == "Y",
        File.Exists("/sys/fs/selinux/enforce"));
}
