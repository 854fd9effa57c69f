namespace Kiln.Contrib.Tests;

public sealed class CompileCxxTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string BuildAndRun(string compiler)
    {
        _tree.Write("src/greeting.hpp", "#include <string>\ninline std::string greeting() { return \"hello from C++\"; }\n");
        _tree.Write("src/main.cpp", "#include <iostream>\n#include \"greeting.hpp\"\nint main() { std::cout << greeting() << '\\n'; }\n");
        using (_tree.Enter())
        {
            var compiled = new CompileCxx { Compiler = compiler, SourceFile = "src/main.cpp", ObjectFile = "build/main.o", Standard = "c++17" }.Start();
            Assert.Equal(["src/greeting.hpp"], compiled.Result.IncludedFiles!.Select(p => p.AsString()));
            new LinkExecutable { Linker = compiler, ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/main" }.Start();
        }
        return _tree.Run("build/main");
    }

    [Fact]
    public void The_default_compiler_is_gxx_and_the_language_is_given_with_x()
    {
        var fake = new FakeCompiler(_tree.HelperDirectory);
        _tree.Write("a.inc", "int a;\n");
        Assert.Equal("g++", new CompileCxx { SourceFile = "a.cpp", ObjectFile = "a.o" }.Compiler);
        using (_tree.Enter())
            new CompileCxx { Compiler = fake.Path, SourceFile = "a.inc", ObjectFile = "a.o" }.Start();
        Assert.Equal(["-x", "c++"], fake.Calls[0][1..3]);
    }

    [Fact]
    public void A_cxx_program_compiled_and_linked_by_gxx_runs()
    {
        RealCompilers.Require("g++");
        Assert.Equal("hello from C++\n", BuildAndRun("g++"));
    }

    [Fact]
    public void A_cxx_program_compiled_and_linked_by_clangxx_runs()
    {
        RealCompilers.Require("clang++");
        Assert.Equal("hello from C++\n", BuildAndRun("clang++"));
    }
    [Fact]
    public void A_generated_source_is_compiled_after_its_generator_and_recompiled_only_when_it_changes()
    {
        RealCompilers.Require("g++");
        _tree.Write("data/n.txt", "3");
        _tree.Write("src/main.cpp", "#include <cstdio>\nint n();\nint main() { std::printf(\"%d\\n\", n()); }\n");
        _tree.Settle();
        string[] Build()
        {
            using (_tree.Enter())
            {
                var generated = new GenerateNumber { NumberFile = "data/n.txt", SourceFile = "build/gen/n.cpp" }.Start();
                var main = new CompileCxx { SourceFile = "src/main.cpp", ObjectFile = "build/main.o" }.Start();
                var number = new CompileCxx { SourceFile = generated.Result.SourceFile, ObjectFile = "build/n.o" }.Start();
                var link = new LinkExecutable { Linker = "g++", ObjectFiles = [main.Result.ObjectFile, number.Result.ObjectFile], LinkedFile = "build/app" }.Start();
                return [.. new[] { ("generate", generated.IsRedo), ("main", main.IsRedo), ("n", number.IsRedo), ("link", link.IsRedo) }.Where(r => r.Item2).Select(r => r.Item1)];
            }
        }
        Assert.Equal(["generate", "main", "n", "link"], Build());
        Assert.Equal("3\n", _tree.Run("build/app"));
        Assert.Empty(Build());
        _tree.Write("data/n.txt", "4");
        Assert.Equal(["generate", "n", "link"], Build());
        Assert.Equal("4\n", _tree.Run("build/app"));
    }

    /// <summary>Writes <c>int n() { return &lt;number&gt;; }</c>.</summary>
    public sealed class GenerateNumber : Kiln.Tools.Tool<GenerateNumber>
    {
        [Kiln.Tools.Input.RegularFile] public required Kiln.Paths.TreePath NumberFile { get; init; }

        [Kiln.Tools.Output.RegularFile(ReplaceBySameContent = false)] public required Kiln.Paths.TreePath SourceFile { get; init; }

        protected override async Task<bool> RedoAsync(GenerateNumber result, Kiln.Tools.RedoContext context)
        {
            var number = int.Parse(await File.ReadAllTextAsync(context.NativePathOf(NumberFile)), System.Globalization.CultureInfo.InvariantCulture);
            using var t = context.Temporary(".cpp");
            await File.WriteAllTextAsync(context.NativePathOf(t.Path), $"int n() {{ return {number}; }}\n");
            context.ReplaceOutput(SourceFile, t.Path);
            return false;
        }
    }
}
