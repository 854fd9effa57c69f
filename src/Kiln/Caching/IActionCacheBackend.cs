namespace Kiln.Caching;

/// <summary>One tier of the action cache: a store of encoded <see cref="ActionCacheEntry"/> values by key.</summary>
internal interface IActionCacheBackend : IDisposable
{
    /// <summary>What messages and statistics call the tier: <c>local</c> or <c>redis</c>.</summary>
    string Name { get; }

    /// <summary>Where it is (a directory, <c>host:port</c>), for messages.</summary>
    string Location { get; }

    /// <summary>The stored value of <paramref name="key"/>, or null when there is none.</summary>
    /// <exception cref="ActionCacheUnavailableException">The tier cannot be reached (a remote one).</exception>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing any value whole.</summary>
    /// <exception cref="ActionCacheUnavailableException">The tier cannot be reached (a remote one).</exception>
    Task PutAsync(string key, byte[] value, CancellationToken cancellationToken);

    /// <summary>Removes the value of <paramref name="key"/> (a refused one), if it can.</summary>
    Task RemoveAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A tier that cannot be reached or answered too late: the build goes on without it.</summary>
internal sealed class ActionCacheUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
