using System.Diagnostics;

namespace Kiln.Platform.Tests;

/// <summary>Runs a command of the machine (coreutils, util-linux) and returns its exit status and output.</summary>
internal static class ExternalCommand
{
    public static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
