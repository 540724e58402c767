namespace Runsharp.Linux;
