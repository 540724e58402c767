namespace Runsharp.Cgroups;
