namespace Kiln.Mpi.Coordination;

/// <summary>
/// What <see cref="DistributedBuild.Run"/> asks of the cache, for one library (one key) in this rank's cache
/// directory. None of them may call collectives.
/// </summary>
/// <param name="IsPublished">Whether the library is published (complete and valid) in this rank's directory.</param>
/// <param name="Build">Generates, compiles and publishes the library in this rank's directory (atomically).</param>
/// <param name="ReadPublished">The bytes of the library published in this rank's directory (root mode ships them).</param>
/// <param name="Install">Publishes received bytes in this rank's directory, atomically (temp file + rename), never in place.</param>
public sealed record BuildCallbacks(Func<bool> IsPublished, Action Build, Func<byte[]> ReadPublished, Action<byte[]> Install);
