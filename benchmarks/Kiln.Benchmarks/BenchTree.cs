using Kiln.Diagnostics;

namespace Kiln.Benchmarks;

/// <summary>
/// A temporary working tree (a directory with <c>.kiln/</c>) with <c>n</c> source files <c>src/&lt;i&gt;.c</c>
/// and one <see cref="CopyTool"/> instance per file, built once so that every instance is up to date.
/// </summary>
public sealed class BenchTree : IDisposable
{
    public BenchTree(int instanceCount)
    {
        Root = Path.Combine(Path.GetTempPath(), $"kiln-bench-{instanceCount}-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(Root, ".kiln"));
        Directory.CreateDirectory(Path.Combine(Root, "src"));
        Directory.CreateDirectory(Path.Combine(Root, "out"));
        Tools = new CopyTool[instanceCount];
        for (var i = 0; i < instanceCount; i++)
        {
            File.WriteAllText(Path.Combine(Root, "src", $"{i}.c"), $"int f{i}(void) {{ return {i}; }}\n");
            Tools[i] = new CopyTool { SourceFile = $"src/{i}.c", ObjectFile = $"out/{i}.o" };
        }
        Configuration = new Configuration { Log = new DiagnosticLog(TextWriter.Null) };

        var redone = Build(maxParallelRedoCount: 2);
        if (redone != instanceCount)
            throw new InvalidOperationException($"first build redid {redone} of {instanceCount} instances");
        redone = Build();
        if (redone != 0)
            throw new InvalidOperationException($"second build redid {redone} of {instanceCount} instances (expected none)");
    }

    public string Root { get; }

    public Configuration Configuration { get; }

    public CopyTool[] Tools { get; }

    /// <summary>One run: enters a root context, starts every instance, leaves the context. Returns the number of redos.</summary>
    public int Build(int maxParallelRedoCount = 1)
    {
        var redone = 0;
        using (new Context(maxParallelRedoCount, Configuration, Root))
        {
            foreach (var tool in Tools)
            {
                if (tool.Start())
                    redone++;
            }
        }
        return redone;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
