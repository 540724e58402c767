global using OciProcess = Runsharp.Spec.Process;
