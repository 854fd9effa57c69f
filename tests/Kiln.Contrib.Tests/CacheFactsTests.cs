namespace Kiln.Contrib.Tests;

/// <summary>
/// The contrib tools as cacheable tools (CacheFacts.cs and <see cref="Tools.ICacheableTool"/>), with the real gcc: two
/// working trees at different paths share the action cache's entries, a changed header misses, a corrupt entry is
/// refused and rebuilt, a restored redo is recorded so that the next run is a no-op.
/// </summary>
public sealed class CacheFactsTests : IDisposable
{
    private readonly CacheTrees _trees = new();

    public void Dispose() => _trees.Dispose();

    private WorkingTree NewTree() => _trees.NewTree();

    private string CacheDirectory => _trees.CacheDirectory;

    private static (int Restored, int Redos) Build(WorkingTree tree) => CacheTrees.Build(tree);

    [Fact]
    public void A_second_working_tree_at_another_path_restores_every_redo_with_the_bytes_of_a_compile()
    {
        RealCompilers.Require("gcc");
        var first = NewTree();
        Assert.Equal((0, 3), Build(first));
        var second = NewTree();
        Assert.NotEqual(first.Root, second.Root);

        Assert.Equal((3, 3), Build(second));

        foreach (var file in new[] { "build/greet.o", "build/main.o", "build/hello" })
            Assert.Equal(File.ReadAllBytes(first.PathOf(file)), File.ReadAllBytes(second.PathOf(file)));
        Assert.Equal(File.GetUnixFileMode(first.PathOf("build/hello")), File.GetUnixFileMode(second.PathOf("build/hello")));
        Assert.Equal("hello\n", second.Run("build/hello"));
    }

    [Fact]
    public void A_run_after_a_restore_is_a_no_op_and_explain_says_restored_from_cache()
    {
        RealCompilers.Require("gcc");
        Build(NewTree());
        var second = NewTree();
        Build(second);

        Assert.Equal((0, 0), Build(second));

        // The run before recorded the restores as redos, with their reason (kiln explain reads the same from the run-database).
        var third = NewTree();
        Build(third);
        Assert.Contains("restored from cache (local, key ", File.ReadAllText(Path.Combine(third.Root, ".kiln", "trace.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_restored_compile_knows_the_headers_it_read_so_an_edit_of_one_redoes_it()
    {
        RealCompilers.Require("gcc");
        Build(NewTree());
        var second = NewTree();
        Build(second);

        second.Write("include/greet.h", "#define GREETING \"changed\"\nconst char *greet(void);\n");
        second.Settle();
        // Both compiles read the header: both are redone, and miss (no entry has that header's content), the link too.
        Assert.Equal((0, 3), Build(second));
        Assert.Equal("changed\n", second.Run("build/hello"));
    }

    [Fact]
    public void A_changed_header_in_another_tree_is_a_miss_and_its_compile_runs()
    {
        RealCompilers.Require("gcc");
        Build(NewTree());
        var second = NewTree();
        second.Write("include/greet.h", "#define GREETING \"other\"\nconst char *greet(void);\n");
        second.Settle();

        var (restored, redos) = Build(second);

        Assert.Equal((0, 3), (restored, redos));
        Assert.Equal("other\n", second.Run("build/hello"));
    }

    [Fact]
    public void A_corrupt_entry_is_refused_with_a_warning_and_rebuilt()
    {
        RealCompilers.Require("gcc");
        Build(NewTree());
        foreach (var entry in Directory.EnumerateFiles(Path.Combine(CacheDirectory, "v1"), "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(entry);
            File.WriteAllBytes(entry, bytes[..(bytes.Length / 2)]);
        }
        var second = NewTree();
        second.TakeOutput();

        Assert.Equal((0, 3), Build(second));

        Assert.Equal("hello\n", second.Run("build/hello"));
        // Rebuilt: the entries are whole again, and a third tree restores them.
        Assert.Equal((3, 3), Build(NewTree()));
    }

    [Fact]
    public void Warnings_of_a_compile_are_shown_again_when_it_is_restored()
    {
        RealCompilers.Require("gcc");
        var first = NewTree();
        first.Write("src/warn.c", "int f(void) { int unused; return 0; }\n");
        first.Settle();
        void Compile(WorkingTree tree)
        {
            using (tree.Enter())
                new CompileC { SourceFile = "src/warn.c", ObjectFile = "build/warn.o", Warnings = ["all"] }.Start();
        }
        Compile(first);
        Assert.Contains("unused variable", first.TakeOutput(), StringComparison.Ordinal);
        var second = NewTree();
        second.Write("src/warn.c", "int f(void) { int unused; return 0; }\n");
        second.Settle();
        second.TakeOutput();

        Compile(second);

        var output = second.TakeOutput();
        Assert.Contains("restored from cache (local", output, StringComparison.Ordinal);
        Assert.Contains("unused variable", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_cpu_flags_are_expanded_in_the_key()
    {
        RealCompilers.Require("gcc");
        var facts = CacheFacts.Compiler(Toolchain.CompilerDiscovery.FindExecutable("gcc")!, Toolchain.SourceLanguage.C, ["-march=native"]);
        Assert.NotNull(facts);
        var flags = Assert.Single(facts, f => f.StartsWith("compiler-target-flags ", StringComparison.Ordinal));
        Assert.DoesNotContain("native", flags, StringComparison.Ordinal);
        Assert.Contains("-march=", flags, StringComparison.Ordinal);
    }
}
