namespace Kiln.Faults.Tests.Build;

/// <summary>Issue 8.1, kill at chosen instants: the real kiln kills itself (SIGKILL, through the <c>KILN_TEST_KILL_AT</c>
/// hook of src/Kiln/WorkingTree/KillPoints.cs) exactly before and after the rename that replaces each output, before
/// and after each run-record file's rename, and before and after the run-database commit — the instants that random
/// kills (<see cref="KillAnywhereTests"/>) hit only by luck. Every source is edited before each killed run, so every
/// output is being replaced when the kill comes; the next run must give the outputs of a from-scratch build, and the
/// run after it must redo nothing.</summary>
public sealed class ForcedKillTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("kiln-faults-forced-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_base, recursive: true); } catch (IOException) { }
    }

    private const int Modules = 3;

    /// <summary>Every kill point of one build of the project, in the order a build reaches them.</summary>
    private static IEnumerable<string> KillPoints()
    {
        var outputs = Enumerable.Range(0, Modules).Select(i => $"build/obj/m{i}.o").Append("build/obj/main.o").Append("build/app");
        foreach (var output in outputs)
        {
            yield return $"before-rename:{output}";
            yield return $"after-rename:{output}";
        }
        yield return "before-commit";
        yield return "after-commit";
        foreach (var record in new[] { ".kiln/compile_commands.json", ".kiln/trace.json", ".kiln/last-arguments.json" })
        {
            yield return $"before-rename:{record}";
            yield return $"after-rename:{record}";
        }
    }

    /// <summary>One working tree walks through every point in turn (a from-scratch build per point would take minutes);
    /// the sources alternate between two generations, so two from-scratch references serve all points.</summary>
    [Fact]
    public void A_kill_at_each_output_rename_record_rename_and_commit_is_repaired_by_the_next_run()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var work = Path.Combine(_base, "work");
        var project = new GeneratedCProject(work, Modules);
        project.WriteAll();
        var first = KilnProcess.Run(work, "build");
        Assert.True(first.ExitCode == 0, first.Error);

        var references = new Dictionary<int, SortedDictionary<string, byte[]>>();
        var generation = 0;
        foreach (var point in KillPoints())
        {
            // Every source changes, so every compile and the link are redone and every output is replaced.
            generation = 1 - generation;
            EditEverySource(project, generation);
            var killed = KilnProcess.Run(work, ["build"], new Dictionary<string, string> { [KillPointVariable] = point });
            Assert.True(killed.ExitCode == 137, $"kiln was not killed at '{point}' (exit {killed.ExitCode}): the point was never reached\n{killed.Error}");

            var after = KilnProcess.Run(work, "build");
            Assert.True(after.ExitCode == 0, $"run after the kill at '{point}' failed\n{after.Error}");
            var actual = project.Outputs();
            if (!references.TryGetValue(generation, out var expected))
                references[generation] = expected = project.FromScratch();
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (path, bytes) in expected)
                Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), $"'{path}' differs from a from-scratch build after a kill at '{point}'\n{after.Error}");

            var noop = KilnProcess.Run(work, "build");
            Assert.True(noop.ExitCode == 0 && noop.Error.Contains("I run: 0 redo(s)", StringComparison.Ordinal),
                $"the second run after a kill at '{point}' was not a no-op\n{noop.Error}");
        }
    }

    private const string KillPointVariable = "KILN_TEST_KILL_AT";

    private static void EditEverySource(GeneratedCProject project, int generation)
    {
        project.Write("include/common.h", $"#define COMMON {generation + 100}\n");
        for (var i = 0; i < project.ModuleCount; i++)
            project.Write($"src/m{i}.c", $"#include \"common.h\"\n#include \"m{i}.h\"\nint m{i}(int x) {{ return x * M{i}_SCALE + COMMON + {generation}; }}\n");
        var main = project.Read("src/main.c");
        project.Write("src/main.c", main[..(main.IndexOf("\nint generation", StringComparison.Ordinal) is var end and >= 0 ? end + 1 : main.Length)]
            + $"int generation = {generation};\n");
    }
}
