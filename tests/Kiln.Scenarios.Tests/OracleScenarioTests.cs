using System.Text;
using Kiln.Paths;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// The oracle ("Build Systems à la Carte": a build is correct when its outputs equal those of a build from
/// scratch). A small C-like project (sources including headers, headers including headers, cycles, missing
/// headers) is edited at random; after each step the engine rebuilds incrementally in one working tree and the
/// oracle rebuilds everything in a fresh copy with the same pure functions (<see cref="Pipeline"/>), without the
/// engine. The outputs must be identical: the same files, byte for byte.
/// </summary>
public sealed class OracleScenarioTests : IDisposable
{
    private const int StepsPerSeed = 60;

    private static readonly TreePath[] Sources = ["src/m0.c", "src/m1.c", "src/m2.c", "src/m3.c"];
    private static readonly TreePath[] Headers = ["src/h0.h", "src/h1.h", "src/h2.h", "src/h3.h", "src/h4.h", "src/h5.h"];

    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Incremental_builds_after_random_edits_equal_builds_from_scratch(int seed)
    {
        var random = new Random(seed);
        var history = new StringBuilder();
        foreach (var source in Sources)
            _tree.Write(source.AsString(), RandomContent(random, 4));
        foreach (var header in Headers.Take(3))
            _tree.Write(header.AsString(), RandomContent(random, 2));

        for (var step = 0; step < StepsPerSeed; step++)
        {
            var edits = step == 0 ? 0 : random.Next(1, 4);
            for (var i = 0; i < edits; i++)
                history.Append("step ").Append(step).Append(": ").Append(Edit(random)).Append('\n');
            BuildIncrementally(maxParallelRedoCount: random.Next(1, 4));
            var expected = BuildFromScratch();
            var actual = Outputs(_tree.Root);
            var log = _tree.TakeOutput();
            if (!SameOutputs(expected, actual))
            {
                Assert.Fail($"seed {seed}, step {step}: incremental build differs from build from scratch\n" +
                    $"expected: {Describe(expected)}\nactual:   {Describe(actual)}\nedits:\n{history}last build's messages:\n{log}");
            }
        }

        BuildIncrementally(maxParallelRedoCount: 2);
        Assert.True(BuildIncrementally(maxParallelRedoCount: 2) == 0, $"seed {seed}: a build after a build without edits redid something:\n{_tree.TakeOutput()}");
    }

    /// <summary>Builds in the fixture's working tree; returns the number of redos.</summary>
    private int BuildIncrementally(int maxParallelRedoCount)
    {
        var redos = 0;
        using (_tree.Enter(maxParallelRedoCount))
        {
            var compiles = Sources.Select(s => new CompileTool { SourceFile = s, ObjectFile = ObjectOf(s) }.Start()).ToList();
            redos += compiles.Count(c => c.IsRedo);
            var objects = compiles.Select(c => c.Complete().ObjectFile).ToList();
            if (new LinkTool { ObjectFiles = objects, ApplicationFile = "out/app" }.Start())
                redos++;
        }
        return redos;
    }

    /// <summary>The always-redo rebuilder: copies the sources to a fresh directory and builds everything there.</summary>
    private Dictionary<string, byte[]> BuildFromScratch()
    {
        var root = Path.Combine(Path.GetTempPath(), "kiln-oracle-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            foreach (var file in Directory.EnumerateFiles(_tree.PathOf("src"), "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(root, Path.GetRelativePath(_tree.Root, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
            string? Read(TreePath p) => File.Exists(Path.Combine(root, p.AsString())) ? File.ReadAllText(Path.Combine(root, p.AsString())) : null;
            Directory.CreateDirectory(Path.Combine(root, "out"));
            var objects = new List<(TreePath, string)>();
            foreach (var source in Sources)
            {
                var text = Pipeline.Compile(source, Read);
                File.WriteAllText(Path.Combine(root, ObjectOf(source).AsString()), text);
                objects.Add((ObjectOf(source), text));
            }
            File.WriteAllText(Path.Combine(root, "out/app"), Pipeline.Link(objects));
            return Outputs(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static TreePath ObjectOf(TreePath source) => TreePath.Parse("out/" + Path.ChangeExtension(source.Name, ".o"));

    private static Dictionary<string, byte[]> Outputs(string root)
    {
        var outputs = Path.Combine(root, "out");
        return Directory.Exists(outputs)
            ? Directory.EnumerateFiles(outputs, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes)
            : [];
    }

    private static bool SameOutputs(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual) =>
        expected.Count == actual.Count && expected.All(e => actual.TryGetValue(e.Key, out var a) && a.AsSpan().SequenceEqual(e.Value));

    private static string Describe(Dictionary<string, byte[]> outputs) =>
        string.Join(", ", outputs.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} = {TreePath.Quote(Encoding.UTF8.GetString(o.Value))}"));

    private static string RandomLine(Random random) => random.Next(5) switch
    {
        0 => $"#include \"{Headers[random.Next(Headers.Length)].Name}\"",
        1 => $"// comment {random.Next(1000)}",
        _ => $"int v{random.Next(1000)};",
    };

    private static string RandomContent(Random random, int lines) =>
        string.Join('\n', Enumerable.Range(0, lines).Select(_ => RandomLine(random)));

    private List<TreePath> ExistingFiles() => [.. Sources.Concat(Headers).Where(p => File.Exists(_tree.PathOf(p.AsString())))];

    /// <summary>One random edit; returns what it did.</summary>
    private string Edit(Random random)
    {
        var files = ExistingFiles();
        var file = files[random.Next(files.Count)];
        var path = _tree.PathOf(file.AsString());
        var lines = File.ReadAllText(path).Split('\n').ToList();
        switch (random.Next(8))
        {
            case 0:
            {
                // Same size, other content: change one digit (which may retarget an include).
                var text = File.ReadAllText(path).ToCharArray();
                var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToList();
                if (digits.Count == 0)
                    goto case 1;
                var at = digits[random.Next(digits.Count)];
                text[at] = (char)('0' + ((text[at] - '0' + 1 + random.Next(9)) % 10));
                File.WriteAllText(path, new string(text));
                return $"changed a digit of {file} (same size)";
            }
            case 1:
            {
                var line = RandomLine(random);
                lines.Insert(random.Next(lines.Count + 1), line);
                File.WriteAllText(path, string.Join('\n', lines));
                return $"inserted {TreePath.Quote(line)} into {file}";
            }
            case 2:
            {
                var line = $"#include \"{Headers[random.Next(Headers.Length)].Name}\"";
                lines.Insert(random.Next(lines.Count + 1), line);
                File.WriteAllText(path, string.Join('\n', lines));
                return $"inserted {TreePath.Quote(line)} into {file}";
            }
            case 3:
            {
                var includes = Enumerable.Range(0, lines.Count).Where(i => lines[i].StartsWith("#include", StringComparison.Ordinal)).ToList();
                if (includes.Count == 0)
                    goto case 2;
                var at = includes[random.Next(includes.Count)];
                var removed = lines[at];
                lines.RemoveAt(at);
                File.WriteAllText(path, string.Join('\n', lines));
                return $"removed {TreePath.Quote(removed)} from {file}";
            }
            case 4:
            {
                var missing = Headers.Where(h => !File.Exists(_tree.PathOf(h.AsString()))).ToList();
                if (missing.Count == 0)
                    goto case 5;
                var header = missing[random.Next(missing.Count)];
                _tree.Write(header.AsString(), RandomContent(random, random.Next(1, 4)));
                return $"created {header}";
            }
            case 5:
            {
                var existing = Headers.Where(h => File.Exists(_tree.PathOf(h.AsString()))).ToList();
                if (existing.Count == 0)
                    goto case 4;
                var header = existing[random.Next(existing.Count)];
                File.Delete(_tree.PathOf(header.AsString()));
                return $"deleted {header}";
            }
            case 6:
                File.SetLastWriteTimeUtc(path, TimeProvider.System.GetUtcNow().UtcDateTime);
                return $"touched {file}";
            default:
            {
                var output = random.Next(Sources.Length + 1) is var i && i < Sources.Length ? ObjectOf(Sources[i]) : TreePath.Parse("out/app");
                File.Delete(_tree.PathOf(output.AsString()));
                return $"deleted output {output}";
            }
        }
    }
}
