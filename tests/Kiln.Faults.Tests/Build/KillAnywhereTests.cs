using System.Diagnostics;
using System.Globalization;

namespace Kiln.Faults.Tests.Build;

/// <summary>Issue 8.1, kill anywhere: the real kiln building a generated C project is killed with SIGKILL at random
/// instants spread over a build (script start, decisions, compiles, run-database writes, output replacement, commit);
/// the next run must leave outputs byte-identical to a from-scratch build of the same sources.</summary>
/// <remarks>The reference of each iteration comes from <see cref="DirectGccReference"/> (gcc run directly with a
/// from-scratch kiln build's commands, only for the objects whose inputs are new), not from a kiln build from scratch
/// per iteration, which took most of the test's time; it must equal a kiln from-scratch build byte for byte at the start
/// and at the end, so that a drift of the oracle fails the test rather than hiding a fault.</remarks>
public sealed class KillAnywhereTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("kiln-faults-kill-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_base, recursive: true); } catch (IOException) { }
    }

    private const int RequiredKills = 50;

    [Fact]
    public void After_SIGKILL_at_any_instant_the_next_run_gives_the_outputs_of_a_build_from_scratch()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var log = TestContext.Current.TestOutputHelper;
        var work = Path.Combine(_base, "work");
        var project = new GeneratedCProject(work);
        project.WriteAll();

        // The first run is a build from scratch (no outputs, no run-database); it compiles the script (cached in
        // .kiln/scripts/ from then on) and gives the commands of the reference.
        AssertBuilds(work);
        using var reference = new DirectGccReference(project);
        AssertSameOutputs(project.Outputs(), reference.Outputs(), "at the start, the gcc reference and kiln's from-scratch build");
        // The second, from scratch again for its outputs, is timed.
        Directory.Delete(Path.Combine(work, "build"), true);
        var watch = Stopwatch.StartNew();
        AssertBuilds(work);
        var fullBuild = watch.Elapsed;
        log?.WriteLine($"from-scratch build: {fullBuild.TotalMilliseconds:F0} ms");

        var random = new Random(Environment.GetEnvironmentVariable("KILN_FAULTS_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Environment.TickCount);
        var kills = 0;
        var leftTemporaries = 0;
        var iterations = 0;
        while (kills < RequiredKills)
        {
            Assert.True(++iterations <= RequiredKills * 6, $"only {kills} of {iterations - 1} kills hit a running kiln");
            var edit = Edit(project, random, iterations);
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * fullBuild.TotalMilliseconds * 1.1);
            var hit = KilnProcess.RunAndKill(work, delay, ["build"]);
            if (hit)
            {
                kills++;
                if (Directory.Exists(Path.Combine(work, ".kiln", "t")) && Directory.EnumerateFileSystemEntries(Path.Combine(work, ".kiln", "t")).Any())
                    leftTemporaries++;
            }

            var after = KilnProcess.Run(work, "build");
            Assert.True(after.ExitCode == 0, $"iteration {iterations} ({edit}, killed after {delay.TotalMilliseconds:F0} ms): run after the kill failed\n{after.Error}");
            AssertSameOutputs(reference.Outputs(), project.Outputs(),
                $"iteration {iterations} ({edit}, killed after {delay.TotalMilliseconds:F0} ms): the run after the kill and a from-scratch build", after.Error);

            if (iterations % 5 == 0)
            {
                var noop = KilnProcess.Run(work, "build");
                Assert.Equal(0, noop.ExitCode);
                Assert.Contains("I run: 0 redo(s)", noop.Error);
            }
        }
        AssertSameOutputs(project.FromScratch(), reference.Outputs(), "at the end, kiln's from-scratch build and the gcc reference");
        log?.WriteLine($"{iterations} iterations, {kills} kills of a running kiln, {leftTemporaries} left temporaries in .kiln/t/, references: {reference.CompileCount} gcc compiles and {reference.LinkCount} links in {reference.Elapsed.TotalSeconds:F1} s");
    }

    private static void AssertSameOutputs(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual, string what, string kilnLog = "")
    {
        Assert.True(expected.Keys.SequenceEqual(actual.Keys), $"{what}: outputs {string.Join(' ', actual.Keys)}, expected {string.Join(' ', expected.Keys)}\n{kilnLog}");
        var differing = expected.Where(e => !e.Value.AsSpan().SequenceEqual(actual[e.Key])).Select(e => $"'{e.Key}'").ToList();
        Assert.True(differing.Count == 0, $"{what}: {string.Join(", ", differing)} differ(s)\n{kilnLog}");
    }

    private static void AssertBuilds(string work)
    {
        var r = KilnProcess.Run(work, "build");
        Assert.True(r.ExitCode == 0, r.Error);
    }

    /// <summary>One random edit as a person would make it between runs; returns what it did.</summary>
    private static string Edit(GeneratedCProject project, Random random, int iteration)
    {
        var i = random.Next(project.ModuleCount);
        switch (random.Next(7))
        {
            case 0:
                project.Write("include/common.h", $"#define COMMON {iteration}\n");
                return "common.h changed";
            case 1:
                project.Write($"include/m{i}.h", $"#define M{i}_SCALE {iteration}\nint m{i}(int);\n");
                return $"m{i}.h changed";
            case 2:
            case 3:
                project.Write($"src/m{i}.c", $"#include \"common.h\"\n#include \"m{i}.h\"\nint m{i}(int x) {{ return x * M{i}_SCALE + COMMON + {iteration}; }}\n");
                return $"m{i}.c changed";
            case 4:
                File.Delete(Path.Combine(project.Root, "build", "obj", $"m{i}.o"));
                return $"m{i}.o removed";
            case 5:
                if (Directory.Exists(Path.Combine(project.Root, "build")))
                    Directory.Delete(Path.Combine(project.Root, "build"), true);
                return "build/ removed";
            default:
                return "nothing changed";
        }
    }
}
