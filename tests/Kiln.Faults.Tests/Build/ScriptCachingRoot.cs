namespace Kiln.Faults.Tests.Build;

/// <summary>
/// A class fixture: one working-tree root at a fixed absolute path for the tests of a class (which xunit runs one
/// after another), so that kiln's script cache serves them all — its key is the script's absolute path and text,
/// and compiling <c>build.cs</c> costs about 3 s of CPU, more than most of these tests' builds. <see cref="Fresh"/>
/// gives each test an empty root in which only the compiled scripts (<c>.kiln/scripts/</c>) of the tests before
/// survive: no source, output, run-database, lock or run record.
/// </summary>
public sealed class ScriptCachingRoot : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("kiln-faults-cached-").FullName;
    private int _generation;

    private string Root => Path.Combine(_base, "tree");

    /// <summary>Empties the root but for <c>.kiln/scripts/</c> (created when missing); returns its path.</summary>
    public string Fresh()
    {
        var root = Root;
        if (!Directory.Exists(root))
        {
            Directory.CreateDirectory(Path.Combine(root, ".kiln"));
            return root;
        }
        // The tree goes aside whole — a rename works whatever a test left (links, names that are not UTF-8) — and
        // only the compiled scripts come back.
        var old = Path.Combine(_base, $"old-{_generation++}");
        Directory.Move(root, old);
        Directory.CreateDirectory(Path.Combine(root, ".kiln"));
        var scripts = Path.Combine(old, ".kiln", "scripts");
        if (Directory.Exists(scripts))
            Directory.Move(scripts, Path.Combine(root, ".kiln", "scripts"));
        TryDelete(old);
        return root;
    }

    public void Dispose() => TryDelete(_base);

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET cannot name a file whose name is not UTF-8 (HostileInputTests makes one); rm can.
            using var rm = System.Diagnostics.Process.Start("rm", ["-rf", "--", directory]);
            rm.WaitForExit();
        }
    }
}
