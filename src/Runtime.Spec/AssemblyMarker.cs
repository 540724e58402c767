namespace Runsharp.Spec;
