using System.Globalization;
using System.Text;

namespace Kiln.Faults.Tests.Build;

/// <summary>A generated C project of <see cref="ModuleCount"/> modules (default 14) (src/mI.c, include/mI.h, a shared include/common.h
/// and src/main.c) built by a <c>build.cs</c> with Kiln.Contrib's <c>CompileC</c> (-O0) and <c>LinkExecutable</c> into
/// <c>build/</c>. Small sources so that a from-scratch build takes well under a second on two cores.</summary>
internal sealed class GeneratedCProject
{
    public int ModuleCount { get; }

    public const string Script =
        """
        using Kiln;
        using Kiln.Contrib;
        using (new Context(maxParallelRedoCount: 2))
        {
            var objects = new List<Kiln.Paths.TreePath>();
            foreach (var source in new[] { MODULES })
            {
                var c = new CompileC { SourceFile = $"src/{source}.c", ObjectFile = $"build/obj/{source}.o", Optimization = "0", IncludeDirectories = ["include/"] }.Start();
                objects.Add(c.Result.ObjectFile);
            }
            new LinkExecutable { ObjectFiles = [.. objects], LinkedFile = "build/app" }.Start();
        }
        """;

    public string Root { get; }

    public GeneratedCProject(string root, int moduleCount = 14)
    {
        Root = root;
        ModuleCount = moduleCount;
    }

    public IEnumerable<string> SourceNames => Enumerable.Range(0, ModuleCount).Select(i => $"m{i}").Append("main");

    /// <summary>The files a compile of <paramref name="source"/> (a name of <see cref="SourceNames"/>) reads, as every
    /// edit of this project keeps them: <c>src/main.c</c> includes <c>common.h</c>; <c>src/mI.c</c> includes
    /// <c>common.h</c> and <c>mI.h</c>.</summary>
    public static IReadOnlyList<string> InputsOf(string source) =>
        source == "main" ? ["src/main.c", "include/common.h"] : [$"src/{source}.c", "include/common.h", $"include/{source}.h"];

    /// <summary>Writes every source, header and the build script (state 0).</summary>
    public void WriteAll()
    {
        Directory.CreateDirectory(Path.Combine(Root, ".kiln"));
        Write("build.cs", Script.Replace("MODULES", string.Join(", ", SourceNames.Select(n => $"\"{n}\""))));
        Write("include/common.h", "#define COMMON 1\n");
        var main = new StringBuilder("#include \"common.h\"\n");
        for (var i = 0; i < ModuleCount; i++)
        {
            Write($"include/m{i}.h", $"#define M{i}_SCALE {i + 1}\nint m{i}(int);\n");
            Write($"src/m{i}.c", $"#include \"common.h\"\n#include \"m{i}.h\"\nint m{i}(int x) {{ return x * M{i}_SCALE + COMMON + 0; }}\n");
            main.Append(CultureInfo.InvariantCulture, $"int m{i}(int);\n");
        }
        main.Append("int main(void) { int s = 0;");
        for (var i = 0; i < ModuleCount; i++)
            main.Append(CultureInfo.InvariantCulture, $" s += m{i}(s);");
        main.Append(" return s & 1; }\n");
        Write("src/main.c", main.ToString());
    }

    public void Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    /// <summary>Every file under build/ (relative path → content).</summary>
    public SortedDictionary<string, byte[]> Outputs()
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var build = Path.Combine(Root, "build");
        if (Directory.Exists(build))
            foreach (var f in Directory.GetFiles(build, "*", SearchOption.AllDirectories))
                result[Path.GetRelativePath(Root, f)] = File.ReadAllBytes(f);
        return result;
    }

    /// <summary>The outputs of a from-scratch build of the current sources, built at the same absolute path (so that
    /// nothing path-dependent can differ): the working tree is moved aside, a fresh copy (sources, script, cached script
    /// assembly, no run-database, no outputs) is built in its place, then the working tree is moved back.</summary>
    public SortedDictionary<string, byte[]> FromScratch()
    {
        var work = Root;
        var aside = work + ".aside";
        Directory.Move(work, aside);
        try
        {
            foreach (var dir in new[] { "src", "include", ".kiln/scripts" })
                CopyDirectory(Path.Combine(aside, dir), Path.Combine(work, dir));
            File.Copy(Path.Combine(aside, "build.cs"), Path.Combine(work, "build.cs"));
            var run = KilnProcess.Run(work, "build");
            Assert.True(run.ExitCode == 0, run.Error);
            return Outputs();
        }
        finally
        {
            Directory.Delete(work, true);
            Directory.Move(aside, work);
        }
    }

    /// <summary>Copies a directory tree (files of the same name are replaced).</summary>
    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        foreach (var d in Directory.GetDirectories(from))
            CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
