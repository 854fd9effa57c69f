namespace Kiln.Contrib.Tests;

/// <summary>
/// Working trees of a small C program (two units, one header, one link) with the action cache switched on, sharing one
/// local cache directory (removed with them), for the action-cache tests.
/// </summary>
internal sealed class CacheTrees : IDisposable
{
    private readonly string _cacheDirectory = Path.Combine(Path.GetTempPath(), "kiln-action-cache-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<WorkingTree> _trees = [];

    public void Dispose()
    {
        foreach (var tree in _trees)
            tree.Dispose();
        try
        {
            Directory.Delete(_cacheDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>A new working tree with a small C program (two units, one header) and the cache switched on.</summary>
    public WorkingTree NewTree(string? redis = null, string? cacheDirectory = null)
    {
        var tree = new WorkingTree();
        _trees.Add(tree);
        tree.Write("include/greet.h", "#define GREETING \"hello\"\nconst char *greet(void);\n");
        tree.Write("src/greet.c", "#include \"greet.h\"\nconst char *greet(void) { return GREETING; }\n");
        tree.Write("src/main.c", "#include <stdio.h>\n#include \"greet.h\"\nint main(void) { puts(greet()); return 0; }\n");
        tree.Configuration.ActionCache.Enabled = true;
        tree.Configuration.ActionCache.Directory = cacheDirectory ?? _cacheDirectory;
        tree.Configuration.ActionCache.Redis = redis;
        tree.Settle();
        return tree;
    }

    public string CacheDirectory => _cacheDirectory;

    /// <summary>Builds the program; returns the reasons' lines that say "restored from cache", and the number of redos.</summary>
    public static (int Restored, int Redos) Build(WorkingTree tree, Action? between = null)
    {
        var (restored, redos, _) = BuildWithOutput(tree, between);
        return (restored, redos);
    }

    /// <summary>As <see cref="Build"/>, with the run's messages.</summary>
    public static (int Restored, int Redos, string Output) BuildWithOutput(WorkingTree tree, Action? between = null)
    {
        tree.TakeOutput();
        using (tree.Enter())
        {
            var greet = new CompileC { SourceFile = "src/greet.c", ObjectFile = "build/greet.o", IncludeDirectories = ["include/"] }.Start();
            if (between is not null)
            {
                // After the first redo has completed (and stored its entry).
                _ = greet.Result;
                between();
            }
            var main = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o", IncludeDirectories = ["include/"] }.Start();
            new LinkExecutable { ObjectFiles = [greet.Result.ObjectFile, main.Result.ObjectFile], LinkedFile = "build/hello" }.Start();
        }
        var output = tree.TakeOutput();
        return (CountOf(output, "restored from cache ("), CountOf(output, "start redo for ") + CountOf(output, "restore outputs from cache for "), output);
    }

    public static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

}
