using System.Diagnostics;

namespace Kiln.Testing;

/// <summary>Runs the real <c>kiln</c> program (Kiln.Cli.dll beside the tests, started with <c>dotnet</c>) in a directory.
/// One source linked into the test projects that drive the command.</summary>
internal static class KilnProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Kiln.Cli.dll");

    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Starts kiln in <paramref name="workingDirectory"/> with <paramref name="args"/> and, when given, under
    /// <paramref name="launcher"/>: a command (program and arguments) that runs <c>dotnet</c> and kiln's arguments, e.g.
    /// <c>setpriv --bounding-set=-dac_override,-dac_read_search</c>; extra <paramref name="environment"/> variables.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null)
    {
        var info = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is { Count: > 0 })
        {
            foreach (var a in launcher.Skip(1))
                info.ArgumentList.Add(a);
            info.ArgumentList.Add("dotnet");
        }
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "";
        // The replay's shadow mode, on in every test that runs kiln: a no-op the fast path would answer is also run and
        // must agree (ReplayVerification).
        info.Environment["KILN_VERIFY_REPLAY"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment)
                info.Environment[k] = v;
        return info;
    }

    public static Result Run(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args, environment, launcher))!;
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
