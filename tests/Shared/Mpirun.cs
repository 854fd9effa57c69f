using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kiln.Mpi;

namespace Kiln.Testing;

/// <summary>
/// Launches a test host (<c>HostName</c>, set by each test project in its own part of this class) under a real
/// mpirun, always wrapped in <c>timeout</c> so that nothing can hang, and collects the one JSON line each rank writes
/// to the output folder. One source linked into the test projects of Kiln.Mpi and Kiln.Jit.Mpi.
/// </summary>
internal static partial class Mpirun
{
    /// <summary>Seconds after which <c>timeout</c> kills a run (exit status 124): a hang, never a slow pass.</summary>
    public const int HardLimitSeconds = 120;

    public static string? Launcher(MpiFlavour flavour)
    {
        var name = flavour == MpiFlavour.OpenMpi ? "mpirun.openmpi" : "mpirun.mpich";
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>Skips the test when the flavour's launcher or the timeout command is missing.</summary>
    public static string RequireLauncher(MpiFlavour flavour)
    {
        var launcher = Launcher(flavour);
        if (launcher is null)
            Assert.Skip($"{(flavour == MpiFlavour.OpenMpi ? "mpirun.openmpi (Debian: openmpi-bin)" : "mpirun.mpich (Debian: mpich)")} is not installed");
        if (!File.Exists("/usr/bin/timeout"))
            Assert.Skip("coreutils' timeout is not installed");
        return launcher;
    }

    public static string HostPath()
    {
        // artifacts/bin/<tests>/<configuration>/ → artifacts/bin/<host>/<configuration>/<host>
        var here = AppContext.BaseDirectory.TrimEnd('/');
        var configuration = Path.GetFileName(here);
        var host = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(here)!)!, HostName, configuration, HostName);
        Assert.True(File.Exists(host), $"test host not built: {host}");
        return host;
    }

    /// <summary>Runs the host on <paramref name="ranks"/> ranks; returns the exit status, the lines by launcher rank, and the output.</summary>
    /// <param name="flavour">Which launcher.</param>
    /// <param name="ranks">Number of ranks.</param>
    /// <param name="hostArguments">Arguments of the host (its scenario first).</param>
    /// <param name="environment">Variables exported to every rank.</param>
    /// <param name="launcherArguments">Extra arguments of the launcher itself.</param>
    public static Run Start(MpiFlavour flavour, int ranks, string[] hostArguments, IReadOnlyDictionary<string, string>? environment = null,
        string[]? launcherArguments = null)
    {
        var launcher = RequireLauncher(flavour);
        var output = Directory.CreateTempSubdirectory("kiln-mpirun-").FullName;
        try
        {
            var arguments = new List<string> { HardLimitSeconds.ToString(CultureInfo.InvariantCulture), launcher };
            if (flavour == MpiFlavour.OpenMpi)
            {
                arguments.AddRange(["--allow-run-as-root", "--oversubscribe", "-x", "TERM=dumb"]);
                foreach (var (k, v) in environment ?? new Dictionary<string, string>())
                    arguments.AddRange(["-x", $"{k}={v}"]);
            }
            else
            {
                foreach (var (k, v) in environment ?? new Dictionary<string, string>())
                    arguments.AddRange(["-genv", k, v]);
            }
            arguments.AddRange(launcherArguments ?? []);
            arguments.AddRange(["-np", ranks.ToString(CultureInfo.InvariantCulture), HostPath()]);
            arguments.AddRange(hostArguments);
            arguments.AddRange(["--out", output]);
            var (status, text) = Execute("/usr/bin/timeout", arguments);
            var lines = Directory.EnumerateFiles(output, "*.json")
                .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone())
                .OrderBy(e => e.GetProperty("launcherRank").GetInt32())
                .ToList();
            return new Run(status, lines, text);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Runs the host without a launcher (a singleton), with extra environment variables.</summary>
    public static Run Singleton(string[] hostArguments, IReadOnlyDictionary<string, string> environment)
    {
        var output = Directory.CreateTempSubdirectory("kiln-singleton-").FullName;
        try
        {
            var (status, text) = Execute("/usr/bin/timeout",
                [HardLimitSeconds.ToString(CultureInfo.InvariantCulture), HostPath(), .. hostArguments, "--out", output], environment);
            var lines = Directory.EnumerateFiles(output, "*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone()).ToList();
            return new Run(status, lines, text);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static (int Status, string Output) Execute(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OMPI_", StringComparison.Ordinal) || k.StartsWith("PMI", StringComparison.Ordinal) || k == "KILN_MPI_LIBRARY").ToList())
            start.Environment.Remove(name);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    internal sealed record Run(int Status, IReadOnlyList<JsonElement> Lines, string Output)
    {
        public bool HitTheHardLimit => Status == 124;

        public override string ToString() => $"exit status {Status}; output:\n{Output}";
    }

    /// <summary>A property of a rank's line as text; empty when absent.</summary>
    public static string S(JsonElement line, string name) => line.TryGetProperty(name, out var v) ? v.ToString() : "";
}
