using System.Diagnostics;

namespace Kiln.Faults.Tests;

/// <summary>Runs the real <c>kiln</c> program (Kiln.Cli.dll beside the tests, started with <c>dotnet</c>) in a directory.</summary>
internal static class KilnProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Kiln.Cli.dll");

    public sealed record Result(int ExitCode, string Output, string Error);

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "";
        if (environment is not null)
            foreach (var (k, v) in environment)
                info.Environment[k] = v;
        return info;
    }

    public static Result Run(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("kiln did not finish within 3 minutes");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, (IEnumerable<string>)args);

    /// <summary>Starts kiln and sends it SIGKILL after <paramref name="delay"/> (only kiln: its compilers live on, as after a real crash).
    /// Returns true when the kill hit a running kiln, false when kiln had already exited.</summary>
    public static bool RunAndKill(string workingDirectory, TimeSpan delay, IEnumerable<string> args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExit(delay);
        if (!exited)
        {
            try { process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { exited = true; }
        }
        process.WaitForExit();
        _ = output.Result;
        _ = error.Result;
        return !exited;
    }
}
