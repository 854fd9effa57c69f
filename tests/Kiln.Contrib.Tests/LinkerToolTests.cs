using Kiln.Tools;

namespace Kiln.Contrib.Tests;

/// <summary>What both link tools do (shown with <see cref="LinkExecutable"/>).</summary>
public sealed class LinkerToolTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void A_relink_of_unchanged_objects_keeps_the_linked_file()
    {
        RealCompilers.Require("gcc");
        _tree.Write("main.c", "int main(void) { return 0; }\n");
        bool Build(bool forceLink)
        {
            using (_tree.Enter())
            {
                var main = new CompileC { SourceFile = "main.c", ObjectFile = "build/main.o" }.Start();
                return new LinkExecutable { ObjectFiles = [main.Result.ObjectFile], LinkedFile = "build/main" }.Start(forceLink).Complete() is not null;
            }
        }
        Build(forceLink: false);
        var before = File.GetLastWriteTimeUtc(_tree.PathOf("build/main"));
        _tree.TakeOutput();
        Build(forceLink: true);
        Assert.Contains("I redo requested by start()", _tree.Output.ToString(), StringComparison.Ordinal);
        Assert.Contains("kept regular file because replacement has same content: 'build/main'", _tree.TakeOutput(), StringComparison.Ordinal);
        Assert.Equal(before, File.GetLastWriteTimeUtc(_tree.PathOf("build/main")));
    }

    [Fact]
    public void A_failing_link_reports_the_linker_message_and_leaves_no_output()
    {
        RealCompilers.Require("gcc");
        _tree.Write("main.c", "int missing(void);\nint main(void) { return missing(); }\n");
        var e = Assert.Throws<HelperExecutionException>(() =>
        {
            using (_tree.Enter())
            {
                var main = new CompileC { SourceFile = "main.c", ObjectFile = "build/main.o" }.Start();
                new LinkExecutable { ObjectFiles = [main.Result.ObjectFile], LinkedFile = "build/main" }.Start();
            }
        });
        Assert.Contains("undefined reference to `missing'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_tree.PathOf("build/main")));
    }

    [Fact]
    public void An_unknown_linker_is_a_helper_lookup_error_naming_it()
    {
        _tree.Write("a.o", "a");
        var e = Assert.Throws<KeyNotFoundException>(() =>
        {
            using (_tree.Enter())
                new LinkExecutable { Linker = "no-such-linker-kiln", ObjectFiles = ["a.o"], LinkedFile = "a" }.Start();
        });
        Assert.StartsWith("not a known dynamic helper in the context: 'no-such-linker-kiln'", e.Message, StringComparison.Ordinal);
    }
}
