using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kiln.Mpi;

namespace Kiln.Jit.Mpi.Tests;

/// <summary>
/// Launches Kiln.Jit.Mpi.TestHost under a real mpirun, always wrapped in <c>timeout</c> so that nothing can hang, and
/// collects the JSON line each rank writes to the output folder.
/// </summary>
internal static class Mpirun
{
    /// <summary>Seconds after which <c>timeout</c> kills a run (exit status 124): a hang, never a slow pass.</summary>
    public const int HardLimitSeconds = 120;

    public static string RequireLauncher(MpiFlavour flavour)
    {
        var name = flavour == MpiFlavour.OpenMpi ? "mpirun.openmpi" : "mpirun.mpich";
        var launcher = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        if (launcher is null)
            Assert.Skip($"{name} is not installed");
        if (!File.Exists("/usr/bin/timeout"))
            Assert.Skip("coreutils' timeout is not installed");
        return launcher;
    }

    public static string HostPath()
    {
        // artifacts/bin/Kiln.Jit.Mpi.Tests/<configuration>/ → artifacts/bin/Kiln.Jit.Mpi.TestHost/<configuration>/
        var here = AppContext.BaseDirectory.TrimEnd('/');
        var configuration = Path.GetFileName(here);
        var host = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(here)!)!, "Kiln.Jit.Mpi.TestHost", configuration, "Kiln.Jit.Mpi.TestHost");
        Assert.True(File.Exists(host), $"test host not built: {host}");
        return host;
    }

    /// <summary>Runs the host on <paramref name="ranks"/> ranks; returns the exit status, the lines by rank, and the output.</summary>
    public static Run Start(MpiFlavour flavour, int ranks, string[] hostArguments, string[]? launcherArguments = null)
    {
        var launcher = RequireLauncher(flavour);
        var output = Directory.CreateTempSubdirectory("kiln-jit-mpirun-").FullName;
        try
        {
            var arguments = new List<string> { HardLimitSeconds.ToString(CultureInfo.InvariantCulture), launcher };
            if (flavour == MpiFlavour.OpenMpi)
                arguments.AddRange(["--allow-run-as-root", "--oversubscribe", "-x", "TERM=dumb"]);
            arguments.AddRange(launcherArguments ?? []);
            arguments.AddRange(["-np", ranks.ToString(CultureInfo.InvariantCulture), HostPath()]);
            arguments.AddRange(hostArguments);
            arguments.AddRange(["--out", output]);
            var watch = Stopwatch.StartNew();
            var (status, text) = Execute("/usr/bin/timeout", arguments);
            var lines = Directory.EnumerateFiles(output, "*.json")
                .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone())
                .OrderBy(e => e.GetProperty("launcherRank").GetInt32())
                .ToList();
            return new Run(status, lines, text, watch.Elapsed);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static (int Status, string Output) Execute(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OMPI_", StringComparison.Ordinal) || k.StartsWith("PMI", StringComparison.Ordinal) || k == "KILN_MPI_LIBRARY").ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    internal sealed record Run(int Status, IReadOnlyList<JsonElement> Lines, string Output, TimeSpan Elapsed)
    {
        public bool HitTheHardLimit => Status == 124;

        public override string ToString() => $"exit status {Status} after {Elapsed.TotalSeconds:0.0} s; output:\n{Output}";
    }

    public static string S(JsonElement line, string name) => line.TryGetProperty(name, out var v) ? v.ToString() : "";
}
