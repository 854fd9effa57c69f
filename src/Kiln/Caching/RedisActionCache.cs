using StackExchange.Redis;

namespace Kiln.Caching;

/// <summary>
/// The shared tier of the action cache: a Redis server (<c>host:port</c>) that many machines use. An entry is the
/// string value <c>kiln:ac:1:&lt;key&gt;</c> holding <see cref="ActionCacheEntry"/>'s format; eviction is Redis's own
/// (run it with <c>maxmemory</c> and <c>maxmemory-policy allkeys-lru</c>). Every call is bounded by the timeout given;
/// a failure or timeout is an <see cref="ActionCacheUnavailableException"/>, after which the caller stops using this tier
/// for the run (it never fails a build).
/// </summary>
internal sealed class RedisActionCache : IActionCacheBackend
{
    /// <summary>The prefix of every key Kiln writes (format version 1).</summary>
    public const string KeyPrefix = "kiln:ac:1:";

    private readonly ConfigurationOptions _options;
    private readonly TimeSpan _timeout;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;

    public RedisActionCache(string endpoint, TimeSpan timeout)
    {
        Location = endpoint;
        _timeout = timeout;
        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        _options = new ConfigurationOptions
        {
            // Fail the connect at once rather than retry in the background for the whole build.
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = milliseconds,
            SyncTimeout = milliseconds,
            AsyncTimeout = milliseconds,
            ClientName = "kiln",
        };
        _options.EndPoints.Add(endpoint);
        _connection = new(() => ConnectionMultiplexer.ConnectAsync(_options));
    }

    public string Name => "redis";

    public string Location { get; }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await CallAsync(db => db.StringGetAsync(KeyPrefix + key)).ConfigureAwait(false);
        return value.IsNull ? null : (byte[]?)value;
    }

    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken) =>
        CallAsync(db => db.StringSetAsync(KeyPrefix + key, value));

    public Task RemoveAsync(string key, CancellationToken cancellationToken) =>
        CallAsync(db => db.KeyDeleteAsync(KeyPrefix + key));

    private async Task<T> CallAsync<T>(Func<IDatabase, Task<T>> call)
    {
        try
        {
            var connection = await _connection.Value.WaitAsync(_timeout * 2).ConfigureAwait(false);
            return await call(connection.GetDatabase()).WaitAsync(_timeout * 2).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException or ArgumentException)
        {
            throw new ActionCacheUnavailableException(Kiln.Platform.Text.Lines.FirstLine(e.Message.Trim()), e);
        }
    }

    public void Dispose()
    {
        if (!_connection.IsValueCreated)
            return;
        var task = _connection.Value;
        if (task.IsCompletedSuccessfully)
            task.Result.Dispose();
    }
}
