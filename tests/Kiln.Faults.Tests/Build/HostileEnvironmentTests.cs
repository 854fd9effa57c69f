using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Kiln.Faults.Tests.Build;

/// <summary>
/// Issue 8.3, hostile environment, with the real kiln on a small generated C project: a full disk (the working tree
/// on a small tmpfs), a working tree on a file system remounted read-only, permission denied (kiln run without the
/// capabilities that let root ignore mode bits), and a run-database held by a foreign SQLite connection. Each
/// failing run is one error line (what, which path, why, what to do) and no stack trace; outputs built before are
/// never lost or truncated; once the cause is removed, the next run gives the outputs of a from-scratch build and the
/// run after it redoes nothing.
/// </summary>
public sealed partial class HostileEnvironmentTests(HostileEnvironmentFixture fixture) : IClassFixture<HostileEnvironmentFixture>
{
    private static void SkipWithoutGcc()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
    }

    [GeneratedRegex(@"^\s+at \S+\.\S+\(|Unhandled exception", RegexOptions.Multiline)]
    private static partial Regex StackTrace();

    /// <summary>Exit 1, exactly one <c>error:</c> line, no .NET stack trace; returns the error with its <c>  | </c> lines.</summary>
    private static string AssertOneClearError(KilnProcess.Result r, string what)
    {
        Assert.True(r.ExitCode == 1, $"{what}: exit {r.ExitCode}\n{r.Error}");
        var lines = r.Error.Split('\n');
        Assert.True(lines.Count(l => l.StartsWith("error:", StringComparison.Ordinal)) == 1, $"{what}: not one 'error:' line\n{r.Error}");
        Assert.False(StackTrace().IsMatch(r.Error), $"{what}: a stack trace\n{r.Error}");
        var start = Array.FindIndex(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        return string.Join('\n', lines.Skip(start).TakeWhile((l, i) => i == 0 || l.StartsWith("  | ", StringComparison.Ordinal)));
    }

    /// <summary>Every output that existed before the failing run still exists, whole: as it was, or as the
    /// from-scratch build of the new sources has it (a redo that completed before the failure replaced it).</summary>
    private static void AssertNothingLost(SortedDictionary<string, byte[]> before, SortedDictionary<string, byte[]> during, SortedDictionary<string, byte[]> expected, string what)
    {
        foreach (var (path, bytes) in before)
        {
            Assert.True(during.TryGetValue(path, out var now), $"{what}: '{path}' was lost");
            Assert.True(now.AsSpan().SequenceEqual(bytes) || (expected.TryGetValue(path, out var e) && now.AsSpan().SequenceEqual(e)),
                $"{what}: '{path}' is neither its previous content nor that of a from-scratch build ({now.Length} bytes, was {bytes.Length})");
        }
    }

    /// <summary>The next run succeeds with the outputs of a from-scratch build; the run after it redoes nothing.</summary>
    private SortedDictionary<string, byte[]> AssertRecovers(GeneratedCProject project, string what, IReadOnlyList<string>? launcher = null)
    {
        var r = KilnProcess.Run(project.Root, ["build"], launcher: launcher);
        Assert.True(r.ExitCode == 0, $"{what}: the run after the cause was removed failed\n{r.Error}");
        var outputs = project.Outputs();
        var expected = fixture.Reference.Outputs(project);
        AssertSameOutputs(expected, outputs, $"{what}: compared with a from-scratch build");
        var again = KilnProcess.Run(project.Root, ["build"], launcher: launcher);
        Assert.True(again.ExitCode == 0 && again.Error.Contains("I run: 0 redo(s)", StringComparison.Ordinal), $"{what}: the run after the recovery\n{again.Error}");
        return outputs;
    }

    private static void AssertSameOutputs(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual, string what)
    {
        Assert.True(expected.Keys.SequenceEqual(actual.Keys), $"{what}: outputs {string.Join(' ', actual.Keys)}, expected {string.Join(' ', expected.Keys)}");
        foreach (var (path, bytes) in expected)
            Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), $"{what}: '{path}' differs");
    }

    private static void AssertNoTemporariesLeft(string root, string what)
    {
        var management = Path.Combine(root, ".kiln");
        var left = Directory.GetFiles(management, "*.tmp*", SearchOption.AllDirectories)
            .Concat(Directory.Exists(Path.Combine(management, "t")) ? Directory.GetFileSystemEntries(Path.Combine(management, "t")) : []);
        Assert.True(!left.Any(), $"{what}: left behind: {string.Join(' ', left)}");
    }

    /// <summary>Where a disk-full error hit, read from the error: for the log and for counting distinct points.</summary>
    private static string PointOf(string error) =>
        error.Contains("compiled build script", StringComparison.Ordinal) ? "script cache (.kiln/scripts/)"
        : error.Contains("run-database", StringComparison.Ordinal) ? "run-database"
        : error.Contains("compile_commands.json", StringComparison.Ordinal) ? "compile_commands.json"
        : error.Contains("trace.json", StringComparison.Ordinal) ? "trace.json"
        : error.Contains("configuration-1.json", StringComparison.Ordinal) ? "configuration-1.json"
        : error.Contains("could not create temporary", StringComparison.Ordinal) ? "temporary in .kiln/t/"
        : error.Contains("could not replace output", StringComparison.Ordinal) ? "output replacement"
        : error.Contains(" -c -o .kiln/t/", StringComparison.Ordinal) ? "compiler output in .kiln/t/"
        : error.Contains("-o .kiln/t/", StringComparison.Ordinal) ? "linker output in .kiln/t/"
        : "other";

    /// <summary>
    /// The working tree on a 4 MiB tmpfs; for each free-space level a filler leaves that much space, a source is edited
    /// and kiln runs. The levels of 0 to 20 KiB run out at different points of a run (here, with gcc 12: the compiler's
    /// depfile, then its object in <c>.kiln/t/</c>, the linker's output, the run-database's WAL (SQLITE_FULL),
    /// <c>compile_commands.json</c>; 24 KiB no longer fails since the configuration record is removed at a run's start and its
    /// block reused); a changed build script at 0 bytes free fails to be cached in <c>.kiln/scripts/</c>.
    /// </summary>
    [Fact]
    public void A_full_disk_at_any_point_of_a_run_is_one_error_and_after_freeing_space_the_next_run_builds_as_from_scratch()
    {
        SkipWithoutGcc();
        var (tmpfs, project) = fixture.OnTmpfs();
        var log = TestContext.Current.TestOutputHelper;
        var points = new List<string>();

        foreach (var free in new long[] { 0, 4096, 8192, 16384, 20480 })
        {
            var what = $"{free} bytes free";
            project.Write("src/m0.c", $"#include \"common.h\"\n#include \"m0.h\"\nint m0(int x) {{ return x * M0_SCALE + COMMON + {free + 1}; }}\n");
            var before = project.Outputs();
            tmpfs.Fill(free);
            var r = KilnProcess.Run(project.Root, "build");
            var during = project.Outputs();
            tmpfs.RemoveFiller();

            var error = AssertOneClearError(r, what);
            Assert.True(error.Contains("No space left on device", StringComparison.Ordinal) || error.Contains("disk is full", StringComparison.Ordinal), $"{what}: the error does not say the device is full\n{r.Error}");
            Assert.True(error.Contains("free space", StringComparison.Ordinal), $"{what}: no remedy\n{r.Error}");
            AssertNoTemporariesLeft(project.Root, what);
            var point = PointOf(error);
            points.Add(point);
            log?.WriteLine($"{what}: {point}");
            AssertNothingLost(before, during, AssertRecovers(project, what), what);
        }

        // A changed build script must be compiled into .kiln/scripts/ before anything else is written.
        project.Write("build.cs", project.Read("build.cs") + "// changed\n");
        var before0 = project.Outputs();
        tmpfs.Fill(0);
        var s = KilnProcess.Run(project.Root, "build");
        tmpfs.RemoveFiller();
        var scriptError = AssertOneClearError(s, "changed script, 0 bytes free");
        Assert.Contains("could not write the compiled build script '" + Path.Combine(project.Root, ".kiln", "scripts"), scriptError);
        Assert.Contains("No space left on device", scriptError);
        Assert.Contains("free space on it and run again", scriptError);
        AssertSameOutputs(before0, project.Outputs(), "changed script, 0 bytes free");
        AssertNoTemporariesLeft(project.Root, "changed script");
        points.Add(PointOf(scriptError));
        // Back to the script compiled before (a second compile of the changed one would prove nothing more and cost
        // seconds): its cached assembly must be intact.
        project.Write("build.cs", project.Read("build.cs").Replace("// changed\n", "", StringComparison.Ordinal));
        AssertRecovers(project, "changed script");

        var distinct = points.Distinct().ToList();
        log?.WriteLine($"distinct points: {string.Join(", ", distinct)}");
        Assert.DoesNotContain("other", distinct);
        Assert.True(distinct.Count >= 4, $"the free-space levels hit only {string.Join(", ", distinct)}");
    }

    /// <summary>
    /// A working tree whose file system is remounted read-only: kiln writes <c>.kiln/</c> in every run (lock, the
    /// run's record, the working-tree time), so a run that would redo nothing fails too — with one error saying to
    /// remount — rather than pretending the tree is up to date; a run with an edited source fails the same way
    /// before building anything. Remounted writable, the next run builds as from scratch.
    /// </summary>
    [Fact]
    public void A_working_tree_on_a_read_only_file_system_is_one_error_saying_to_remount_and_nothing_is_lost()
    {
        SkipWithoutGcc();
        var (tmpfs, project) = fixture.OnTmpfs();
        var before = project.Outputs();
        var expected =
            $"error: cannot acquire lock for exclusive access to working tree '{project.Root}/'\n" +
            $"  | reason: cannot open lock file '{project.Root}/.kiln/lock': Read-only file system\n" +
            $"  | the file system of '{project.Root}/.kiln/' is mounted read-only: remount it writable and run again\n" +
            "  | (kiln writes '.kiln/' in every run, even one with nothing to redo)\n" +
            "  | at build.cs:3";

        tmpfs.RemountReadOnly();
        try
        {
            Assert.Equal(expected, AssertOneClearError(KilnProcess.Run(project.Root, "build"), "read-only, nothing to redo"));
            AssertSameOutputs(before, project.Outputs(), "read-only, nothing to redo");
            tmpfs.RemountWritable();
            project.Write("src/m1.c", "#include \"common.h\"\n#include \"m1.h\"\nint m1(int x) { return x - 1; }\n");
            tmpfs.RemountReadOnly();
            Assert.Equal(expected, AssertOneClearError(KilnProcess.Run(project.Root, "build"), "read-only, an edited source"));
            AssertSameOutputs(before, project.Outputs(), "read-only, an edited source");
        }
        finally
        {
            tmpfs.RemountWritable();
        }
        AssertRecovers(project, "remounted writable");
    }

    /// <summary>The launcher that makes a root kiln obey permission bits; none for another user (who obeys them anyway).</summary>
    private static string[]? PermissionLauncherOrSkip()
    {
        if (Environment.UserName != "root")
            return null;
        string[] launcher = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"];
        var info = new ProcessStartInfo(launcher[0]) { UseShellExecute = false };
        foreach (var a in launcher.Skip(1).Append("true"))
            info.ArgumentList.Add(a);
        try
        {
            using var probe = Process.Start(info)!;
            probe.WaitForExit();
            if (probe.ExitCode != 0)
                Assert.Skip("setpriv cannot drop capabilities here (needs CAP_SETPCAP): root would ignore the permission bits");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("setpriv is not installed: root would ignore the permission bits");
        }
        return launcher;
    }

    /// <summary>Built project; <paramref name="deny"/> (after an edit of src/m1.c); one error with
    /// <paramref name="expected"/> lines; <paramref name="restore"/>; the next run builds as from scratch.</summary>
    private void AssertPermissionDenied(Action<GeneratedCProject> deny, Action<GeneratedCProject> restore, Func<GeneratedCProject, string> expected, string what)
    {
        SkipWithoutGcc();
        var launcher = PermissionLauncherOrSkip();
        var project = fixture.OnDisk();
        // A new constant each time: the tests share one built project, and an edit that gave an object file of the same
        // content as before would be kept without the rename that the denied permission must make fail.
        var constant = 41 + Interlocked.Increment(ref _edits);
        project.Write("src/m1.c", $"#include \"common.h\"\n#include \"m1.h\"\nint m1(int x) {{ return x + {constant}; }}\n");
        var before = project.Outputs();
        deny(project);
        string error;
        try
        {
            error = AssertOneClearError(KilnProcess.Run(project.Root, ["build"], launcher: launcher), what);
        }
        finally
        {
            restore(project);
        }
        // The failed redo surfaces where the script next waits for it: at a later Start (build.cs:9, when all slots are
        // busy) or when the context is left — which one depends on timing, so a start frame may come first.
        Assert.Equal(expected(project), error.Replace("  | at build.cs:9\n  | at build.cs:12", "  | at build.cs:12", StringComparison.Ordinal));
        AssertSameOutputs(before, project.Outputs(), what);
        AssertRecovers(project, what, launcher);
    }

    private static int _edits;

    private static void Chmod(string path, UnixFileMode mode) => File.SetUnixFileMode(path, mode);

    private const UnixFileMode ReadOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode WritableDirectory = ReadOnlyDirectory | UnixFileMode.UserWrite;
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode WritableFile = ReadOnlyFile | UnixFileMode.UserWrite;

    [Fact]
    public void A_management_tree_that_is_not_writable_is_one_error_naming_it()
    {
        AssertPermissionDenied(
            p => Chmod(Path.Combine(p.Root, ".kiln"), ReadOnlyDirectory),
            p => Chmod(Path.Combine(p.Root, ".kiln"), WritableDirectory),
            p => $"error: failed to setup management tree for '{p.Root}/'\n" +
                 $"  | reason: Access to the path '{p.Root}/.kiln/t/' is denied.\n" +
                 $"  | permission denied: make '{p.Root}/.kiln/' writable for this user (e.g. 'chmod u+w') and run again\n" +
                 "  | at build.cs:3",
            ".kiln/ not writable");
    }

    [Fact]
    public void A_read_only_run_database_is_one_error_saying_to_make_it_writable_not_to_remove_it()
    {
        AssertPermissionDenied(
            p => Chmod(Path.Combine(p.Root, ".kiln", "runs-2.sqlite"), ReadOnlyFile),
            p => Chmod(Path.Combine(p.Root, ".kiln", "runs-2.sqlite"), WritableFile),
            p => $"error: could not setup run-database '{p.Root}/.kiln/runs-2.sqlite'\n" +
                 "  | reason: SQLite Error 8: 'attempt to write a readonly database'.\n" +
                 $"  | it cannot be written: make it, its '-wal' and '-shm' files and '{p.Root}/.kiln/' writable for this user (e.g. 'chmod u+w') and run again\n" +
                 "  | at build.cs:3",
            "run-database read-only");
    }

    [Fact]
    public void An_output_directory_that_is_not_writable_is_one_error_naming_the_output_and_the_old_output_is_kept()
    {
        AssertPermissionDenied(
            p => Chmod(Path.Combine(p.Root, "build", "obj"), ReadOnlyDirectory),
            p => Chmod(Path.Combine(p.Root, "build", "obj"), WritableDirectory),
            p => "error: could not replace output 'build/obj/m1.o'\n" +
                 $"  | reason: cannot rename '{p.Root}/.kiln/t/a.o' to '{p.Root}/build/obj/m1.o': Permission denied\n" +
                 $"  | permission denied: make '{p.Root}/build/obj/' writable for this user (e.g. 'chmod u+w') and run again\n" +
                 "  | in the redo of CompileC(SourceFile='src/m1.c', IncludeDirectories=['include/'], ObjectFile='build/obj/m1.o'), started at build.cs:8\n" +
                 "  | at build.cs:12",
            "build/obj/ not writable");
    }

    [Fact]
    public void An_unreadable_source_file_is_one_error_naming_the_role_and_the_path()
    {
        AssertPermissionDenied(
            p => Chmod(Path.Combine(p.Root, "src", "m1.c"), UnixFileMode.None),
            p => Chmod(Path.Combine(p.Root, "src", "m1.c"), WritableFile),
            p => "error: input dependency 'SourceFile' contains a path of an unreadable filesystem object: 'src/m1.c'\n" +
                 $"  | reason: Access to the path '{p.Root}/src/m1.c' is denied.\n" +
                 "  | make it readable for this user (e.g. 'chmod u+r') and run again\n" +
                 "  | at build.cs:8",
            "src/m1.c unreadable");
    }

    /// <summary>
    /// A foreign program (an <c>sqlite3</c> shell in a transaction) holds the run-database's write lock. Another kiln
    /// run cannot be the holder — it would hold <c>.kiln/lock</c> — so kiln waits only its short busy timeout (2 s,
    /// for a short-lived lock), then fails with one error saying so and what to do; removing the database (the old
    /// advice) is not offered. Nothing is built; once the shell ends, the next run builds as from scratch.
    /// </summary>
    [Fact]
    public void A_run_database_locked_by_a_foreign_program_is_one_error_saying_to_close_it()
    {
        SkipWithoutGcc();
        if (!File.Exists("/usr/bin/sqlite3"))
            Assert.Skip("the sqlite3 shell is not installed");
        var project = fixture.OnDisk();
        project.Write("src/m1.c", "#include \"common.h\"\n#include \"m1.h\"\nint m1(int x) { return x + 7; }\n");
        var before = project.Outputs();
        var database = Path.Combine(project.Root, ".kiln", "runs-2.sqlite");
        var info = new ProcessStartInfo("sqlite3") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(database);
        using var holder = Process.Start(info)!;
        KilnProcess.Result r;
        var clock = Stopwatch.StartNew();
        try
        {
            holder.StandardInput.WriteLine("BEGIN EXCLUSIVE;");
            holder.StandardInput.WriteLine("SELECT 'locked';");
            holder.StandardInput.Flush();
            Assert.Equal("locked", holder.StandardOutput.ReadLine());
            clock.Restart();
            r = KilnProcess.Run(project.Root, "build");
            clock.Stop();
        }
        finally
        {
            holder.StandardInput.Close();
            holder.WaitForExit();
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"kiln failed after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(
            $"error: could not setup run-database '{database}'\n" +
            "  | reason: SQLite Error 5: 'database is locked'.\n" +
            "  | it is locked by another program, not by a kiln run (which would hold '.kiln/lock'): close that program (e.g. an 'sqlite3' shell with an open transaction) and run again\n" +
            "  | at build.cs:3",
            AssertOneClearError(r, "run-database locked by sqlite3"));
        AssertSameOutputs(before, project.Outputs(), "run-database locked by sqlite3");
        AssertRecovers(project, "sqlite3 closed");
    }
}
