using Kiln.Cli.Build;

namespace Kiln.Cli.Tests.Build;

/// <summary><c>.kiln/scripts/</c> keeps the newest assemblies and drops old temporaries.</summary>
public sealed class ScriptCachePruningTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kiln-cli-scripts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, DateTime mtime)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllText(path, name);
        System.IO.File.SetLastWriteTimeUtc(path, mtime);
        return path;
    }

    [Fact]
    public void The_newest_assemblies_stay_with_the_new_one_and_older_ones_and_old_temporaries_go()
    {
        var now = new DateTime(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 12; i++)
            File($"old{i:00}.dll", now.AddMinutes(-100 + i));
        // The new assembly's mtime is not the newest (a clock set back): it stays all the same.
        var compiled = File("new.dll", now.AddDays(-1));
        File("a.dll.tmp-123", now.AddHours(-2));
        File("b.dll.tmp-456", now.AddMinutes(-1));
        File("notes.txt", now.AddDays(-10));

        ScriptCachePruning.Prune(compiled, new FixedTime(now));

        Assert.Equal(
            ["b.dll.tmp-456", "new.dll", "notes.txt", "old05.dll", "old06.dll", "old07.dll", "old08.dll", "old09.dll", "old10.dll", "old11.dll"],
            Directory.EnumerateFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private sealed class FixedTime(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(now);
    }
}
