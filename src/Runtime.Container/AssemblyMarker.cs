namespace Runsharp.Container;
