using Kiln.Testing;

namespace Kiln.Contrib.Tests;

/// <summary>
/// The Redis tier of the action cache (src/Kiln/Caching/RedisActionCache.cs, layered by ActionCache.cs) with a real
/// redis-server started on 127.0.0.1 for each test and the real gcc: a warm Redis fills an empty local cache, and an
/// outage — a server killed mid-build, a port nobody listens on — is one warning and a successful build.
/// </summary>
public sealed class RedisTierTests : IDisposable
{
    private readonly CacheTrees _trees = new();
    private readonly List<string> _directories = [];

    public void Dispose()
    {
        _trees.Dispose();
        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    /// <summary>A local cache directory of its own (empty), so that only Redis is shared.</summary>
    private string EmptyLocalCache()
    {
        var directory = Path.Combine(Path.GetTempPath(), "kiln-action-cache-" + Guid.NewGuid().ToString("N")[..12]);
        _directories.Add(directory);
        return directory;
    }

    [Fact]
    public void A_tree_with_an_empty_local_cache_restores_every_redo_from_a_warm_redis()
    {
        RealCompilers.Require("gcc");
        using var redis = RedisServer.Start();
        var first = _trees.NewTree(redis.Endpoint, EmptyLocalCache());
        Assert.Equal((0, 3), CacheTrees.Build(first));
        var secondCache = EmptyLocalCache();
        var second = _trees.NewTree(redis.Endpoint, secondCache);

        var (restored, redos, output) = CacheTrees.BuildWithOutput(second);

        Assert.Equal((3, 3), (restored, redos));
        Assert.Equal(3, CacheTrees.CountOf(output, "restored from cache (redis, key "));
        Assert.Equal(File.ReadAllBytes(first.PathOf("build/hello")), File.ReadAllBytes(second.PathOf("build/hello")));
        // Copied into the local tier: a third tree on the same local cache restores from it, even without Redis.
        redis.Kill();
        var third = _trees.NewTree(null, secondCache);
        Assert.Equal(3, CacheTrees.CountOf(CacheTrees.BuildWithOutput(third).Output, "restored from cache (local, key "));
    }

    [Fact]
    public void A_redis_killed_mid_build_is_one_warning_and_the_build_succeeds_on_the_local_cache()
    {
        RealCompilers.Require("gcc");
        using var redis = RedisServer.Start();
        var tree = _trees.NewTree(redis.Endpoint, EmptyLocalCache());

        var (_, redos, output) = CacheTrees.BuildWithOutput(tree, between: redis.Kill);

        Assert.Equal(3, redos);
        Assert.Equal(1, CacheTrees.CountOf(output, $"action cache: redis at {redis.Endpoint} is unavailable"));
        Assert.Equal("hello\n", tree.Run("build/hello"));
        // Stored locally all the same: another tree on that local cache restores all three.
        var again = _trees.NewTree(redis.Endpoint, tree.Configuration.ActionCache.Directory);
        Assert.Equal((3, 3), CacheTrees.Build(again));
    }

    [Fact]
    public void A_closed_port_is_one_warning_and_the_build_succeeds()
    {
        RealCompilers.Require("gcc");
        var endpoint = "127.0.0.1:" + RedisServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tree = _trees.NewTree(endpoint, EmptyLocalCache());

        var (_, redos, output) = CacheTrees.BuildWithOutput(tree);

        Assert.Equal(3, redos);
        Assert.Equal(1, CacheTrees.CountOf(output, $"action cache: redis at {endpoint} is unavailable"));
        Assert.Equal("hello\n", tree.Run("build/hello"));
    }
}
