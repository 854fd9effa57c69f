using Kiln.Caching;

namespace Kiln.Tests.Caching;

public sealed class ActionCacheStatisticsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kiln-cache-stats-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_counters_of_runs_add_up_in_the_directory_even_when_they_end_at_once()
    {
        Parallel.For(0, 8, _ =>
        {
            var run = new ActionCacheStatistics();
            run.Add("hit.local", 2);
            run.Add("miss.no-entry");
            run.Add("bytes.restored", 100);
            run.AddTo(_directory, Path.Combine(_directory, "lock"));
        });

        var total = ActionCacheStatistics.Read(_directory);

        Assert.Equal(16, total.Hits);
        Assert.Equal(8, total.Misses);
        Assert.Equal(800, total["bytes.restored"]);
        Assert.Equal("bytes.restored 800\nhit.local 16\nmiss.no-entry 8\n", File.ReadAllText(Path.Combine(_directory, ActionCacheStatistics.FileName)));
    }
}
