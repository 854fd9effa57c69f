using System.Globalization;
using System.Text.Json;

namespace Kiln.Testing;

/// <summary>
/// What a rank of an MPI test host reports: one JSON object, printed as <c>PREFIX {json}</c> and, with
/// <c>--out DIR</c>, also written to <c>DIR/&lt;launcher rank&gt;.json</c> — Open MPI forwards each rank's stdout in
/// chunks that can interleave inside long lines, so the tests (tests/Shared/Mpirun.cs) read the files. Also parses the
/// hosts' <c>--name value</c> options. One source linked into the MPI test hosts.
/// </summary>
internal sealed class RankReport
{
    private readonly string[] _args;
    private readonly string _prefix;
    private readonly string _launcherRank;

    /// <param name="args">The host's arguments: the scenario, then options.</param>
    /// <param name="prefix">Start of the printed line, e.g. <c>KILN-MPI</c>.</param>
    /// <param name="defaultScenario">Scenario when none is given.</param>
    public RankReport(string[] args, string prefix, string defaultScenario)
    {
        _args = args;
        _prefix = prefix;
        Scenario = args.Length > 0 ? args[0] : defaultScenario;
        _launcherRank = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") ?? Environment.GetEnvironmentVariable("PMI_RANK") ?? "0";
        Line = new Dictionary<string, object?> { ["scenario"] = Scenario, ["launcherRank"] = int.Parse(_launcherRank, CultureInfo.InvariantCulture) };
    }

    public string Scenario { get; }

    /// <summary>The reported properties; fill in, then <see cref="Print"/>.</summary>
    public Dictionary<string, object?> Line { get; }

    /// <summary>The value after <c>--name</c>, else <paramref name="fallback"/>.</summary>
    public string Option(string name, string fallback)
    {
        var i = Array.IndexOf(_args, "--" + name);
        return i >= 0 && i + 1 < _args.Length ? _args[i + 1] : fallback;
    }

    /// <summary>Whether <c>--name</c> is given.</summary>
    public bool Flag(string name) => Array.IndexOf(_args, "--" + name) >= 0;

    /// <summary>Prints the line and writes it to the output folder (to a temporary name, then renamed).</summary>
    public void Print()
    {
        var json = JsonSerializer.Serialize(Line);
        var outDirectory = Option("out", "");
        if (outDirectory.Length > 0)
        {
            var file = Path.Combine(outDirectory, _launcherRank + ".json");
            File.WriteAllText(file + ".tmp", json + "\n");
            File.Move(file + ".tmp", file, overwrite: true);
        }
        Console.Out.WriteLine(_prefix + " " + json);
        Console.Out.Flush();
    }
}
