using System.Diagnostics;
using Kiln.Cli.Tests.Server;

namespace Kiln.Cli.Tests.Front;

/// <summary>
/// Issue 15 §1 with the real front, engine and gcc: after a successful run the front answers the next <c>kiln build</c>
/// from the configuration record (<c>D replayed</c> under <c>-v</c>, the summary line of a full run), and every kind of
/// change the script or its tools could see makes it hand over to the engine with the reason — edit, touch, a
/// same-size rewrite with the mtime set back, a file created in or deleted from a listed directory, another argument,
/// an environment variable set and unset, chmod, a retargeted symbolic link, an edited referenced assembly, another
/// kiln — after which the engine's run brings the tree up to date and the front replays again.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReplayTests : IDisposable
{
    private const string Script =
        """
        using Kiln;
        using Kiln.Contrib;

        using var context = new Context();
        context.Env.ImportFromOuter("APP_MODE", "[a-z]*", "fast");
        var mode = context.Env.Get("APP_MODE") ?? "none";
        var version = Sources.ReadAllText("version.txt").Trim();
        var objects = Sources.Glob("src/*.c").Select(source => new CompileC
        {
            SourceFile = source,
            ObjectFile = "build/" + source.Name[..^2] + ".o",
            Definitions = Macros.Of($"MODE=\"{mode}\"", $"VERSION=\"{version}\"", $"ARGS={args.Length}"),
        }.Start().Result.ObjectFile).ToList();
        new LinkExecutable { ObjectFiles = objects, LinkedFile = "build/app" }.Start();

        """;

    private readonly EngineTree _tree = new();

    public ReplayTests()
    {
        File.WriteAllText(Path.Combine(_tree.Root, "build.cs"), Script);
        Directory.CreateDirectory(Path.Combine(_tree.Root, "src"));
        Directory.CreateDirectory(Path.Combine(_tree.Root, "cfg"));
        File.WriteAllText(Path.Combine(_tree.Root, "version.txt"), "1.0\n");
        File.WriteAllText(Path.Combine(_tree.Root, "cfg/one.h"), "#define LEVEL 1\n");
        File.WriteAllText(Path.Combine(_tree.Root, "cfg/two.h"), "#define LEVEL 2\n");
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "src/level.h"), "../cfg/one.h");
        File.WriteAllText(Path.Combine(_tree.Root, "src/main.c"), "#include \"level.h\"\nint helper(void);\nint main(void) { return helper() + LEVEL - LEVEL; }\n");
        File.WriteAllText(Path.Combine(_tree.Root, "src/helper.c"), "int helper(void) { return 0; }\n");
    }

    public void Dispose() => _tree.Dispose();

    private static readonly Dictionary<string, string> NoServer = new() { ["KILN_NO_SERVER"] = "1" };

    private KilnProcess.Result Build(IDictionary<string, string>? environment = null, string engine = "", params string[] args)
    {
        var env = new Dictionary<string, string>(NoServer);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            env[k] = v;
        if (engine.Length > 0)
            env["KILN_ENGINE"] = engine;
        return _tree.Run(EngineTree.Front, ["build", "-v", "build.cs", .. args], env);
    }

    /// <summary>Builds until the front replays (a first run may leave racy entries that the next one settles).</summary>
    private void AssertReplays(IDictionary<string, string>? environment = null, string engine = "", params string[] args)
    {
        var r = Build(environment, engine, args);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("D replayed the configuration record: 3 tool instance(s) up to date", r.Error, StringComparison.Ordinal);
        Assert.Contains("I run: 0 redo(s), 3 up to date,", r.Error, StringComparison.Ordinal);
    }

    /// <summary>Runs the front after a change: it must hand over with <paramref name="reason"/>, and the engine's run must succeed.</summary>
    private KilnProcess.Result AssertHandsOver(string reason, IDictionary<string, string>? environment = null, string engine = "", params string[] args)
    {
        var r = Build(environment, engine, args);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("D not replayed: " + reason, r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("D replayed", r.Error, StringComparison.Ordinal);
        return r;
    }

    private string At(string path) => Path.Combine(_tree.Root, path);

    private static void Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void Every_change_the_script_or_its_tools_could_see_leaves_the_fast_path_and_nothing_else_does()
    {
        var first = Build();
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("D not replayed: no configuration record", first.Error, StringComparison.Ordinal);
        Build();
        AssertReplays();
        Assert.True(File.Exists(At("build/app")));

        // A source edited: its compile, then the link.
        File.AppendAllText(At("src/helper.c"), "int unused(void) { return 1; }\n");
        Assert.Contains("redo necessary because of filesystem object: 'src/helper.c'", AssertHandsOver("input '" + At("src/helper.c") + "' of tool instance").Error, StringComparison.Ordinal);
        AssertReplays();

        // Touched only.
        File.SetLastWriteTimeUtc(At("src/main.c"), DateTime.UtcNow.AddSeconds(5));
        AssertHandsOver("input '" + At("src/main.c") + "' of tool instance");
        AssertReplays();

        // chmod.
        File.SetUnixFileMode(At("src/main.c"), File.GetUnixFileMode(At("src/main.c")) ^ UnixFileMode.OtherRead);
        AssertHandsOver("input '" + At("src/main.c") + "' of tool instance");
        AssertReplays();

        // A header behind a symbolic link retargeted (the depfile names the link).
        File.Delete(At("src/level.h"));
        File.CreateSymbolicLink(At("src/level.h"), "../cfg/two.h");
        AssertHandsOver("input '" + At("src/level.h") + "' of tool instance");
        AssertReplays();

        // A file the configuration read, rewritten with the same size and its mtime set back: compared by content, since racy.
        Run("/usr/bin/touch", "-r", At("version.txt"), At("stamp"));
        File.WriteAllText(At("version.txt"), "2.0\n");
        Run("/usr/bin/touch", "-r", At("stamp"), At("version.txt"));
        AssertHandsOver("file read by the script '" + At("version.txt") + "' has changed");
        AssertReplays();

        // The script itself likewise.
        Run("/usr/bin/touch", "-r", At("build.cs"), At("stamp"));
        File.WriteAllText(At("build.cs"), Script.Replace("Trim()", "Trim( )", StringComparison.Ordinal)[..^1]);
        Run("/usr/bin/touch", "-r", At("stamp"), At("build.cs"));
        AssertHandsOver("script '" + At("build.cs") + "' has changed");
        AssertReplays();

        // A file created in, then deleted from, a listed directory.
        File.WriteAllText(At("src/extra.c"), "int extra(void) { return 2; }\n");
        AssertHandsOver("listed directory '" + At("src/") + "' has changed");
        Assert.True(File.Exists(At("build/extra.o")));
        Build();
        File.Delete(At("src/extra.c"));
        AssertHandsOver("listed directory '" + At("src/") + "' has changed");
        AssertReplays();

        // Another argument, and back.
        AssertHandsOver("the arguments differ", args: "x");
        AssertHandsOver("the arguments differ");
        AssertReplays();

        // An environment variable the script imported: set, then unset.
        var fast = new Dictionary<string, string> { ["APP_MODE"] = "fast" };
        AssertHandsOver("environment variable APP_MODE has changed", fast);
        AssertReplays(fast);
        AssertHandsOver("environment variable APP_MODE has changed");
        AssertReplays();

        // A variable the script did not read changes nothing.
        AssertReplays(new Dictionary<string, string> { ["SOMETHING_ELSE"] = "1" });

        // The run-database removed: the engine redoes everything.
        foreach (var file in Directory.GetFiles(At(".kiln"), "runs-*.sqlite*"))
            File.Delete(file);
        Assert.Contains("redo necessary because not run before", AssertHandsOver("the run-database is not the one the record was made against").Error, StringComparison.Ordinal);
        AssertReplays();
    }

    [Fact]
    public void A_changed_or_added_referenced_assembly_and_another_kiln_leave_the_fast_path()
    {
        Build();
        Build();
        AssertReplays();

        // Another installation of kiln (a copy of this one elsewhere), then an upgrade of it in place.
        var other = Directory.CreateTempSubdirectory("kiln-other-install-").FullName;
        try
        {
            var here = Path.GetDirectoryName(EngineTree.Managed)!;
            foreach (var file in Directory.EnumerateFiles(here))
                File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
            foreach (var directory in Directory.EnumerateDirectories(here, "*", SearchOption.AllDirectories))
            {
                Directory.CreateDirectory(Path.Combine(other, Path.GetRelativePath(here, directory)));
                foreach (var file in Directory.EnumerateFiles(directory))
                    File.Copy(file, Path.Combine(other, Path.GetRelativePath(here, file)));
            }
            var engine = Path.Combine(other, "Kiln.Cli");
            File.SetUnixFileMode(engine, File.GetUnixFileMode(Path.Combine(here, "Kiln.Cli")));
            AssertHandsOver("recorded by the kiln in", engine: engine);
            Build(engine: engine);
            AssertReplays(engine: engine);
            using (var contrib = File.Open(Path.Combine(other, "Kiln.Contrib.dll"), FileMode.Append))
                contrib.WriteByte(0);
            AssertHandsOver("reference '" + Path.Combine(other, "Kiln.Contrib.dll") + "' has changed", engine: engine);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }

        // A new assembly in .kiln/u/, then that assembly edited.
        Build();
        Build();
        AssertReplays();
        var local = At(".kiln/u/Extra.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Kiln.Cli.Tests.dll"), local);
        AssertHandsOver("the assemblies in '" + At(".kiln/u") + "' have changed");
        Build();
        var r = Build();
        Assert.Contains("D replayed", r.Error, StringComparison.Ordinal);
        Assert.Contains("adding 1 assembly file(s) from '.kiln/u/' to the script's references", r.Error, StringComparison.Ordinal);
        using (var extra = File.Open(local, FileMode.Append))
            extra.WriteByte(0);
        AssertHandsOver("reference '" + local + "' has changed");
    }

    [Fact]
    public void The_shadow_mode_fails_a_run_that_disagrees_with_the_replay()
    {
        Build();
        Build();
        AssertReplays();
        // A record that forgot the link's output, and that output gone: the replay would say "up to date", wrongly.
        var record = At(".kiln/configuration-1.json");
        var text = File.ReadAllText(record);
        var link = text.LastIndexOf("\"outputs\"", StringComparison.Ordinal);
        var end = text.IndexOf(']', link);
        File.WriteAllText(record, text[..link] + "\"outputs\": [" + text[end..]);
        File.Delete(At("build/app"));

        var fooled = Build();
        Assert.Contains("D replayed", fooled.Error, StringComparison.Ordinal);
        var verified = Build(new Dictionary<string, string> { ["KILN_VERIFY_REPLAY"] = "1" });
        Assert.Equal(1, verified.ExitCode);
        Assert.Contains("D not replayed: KILN_VERIFY_REPLAY=1", verified.Error, StringComparison.Ordinal);
        Assert.Contains("error: replay verification failed: the configuration record said the working tree is up to date, but the run did 1 redo(s)", verified.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(record + ".said"));
    }
}
