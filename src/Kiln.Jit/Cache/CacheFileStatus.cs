using System.Globalization;
using Kiln.Toolchain;

namespace Kiln.Jit.Cache;

/// <summary>
/// What the cache reads from a <c>stat</c>: kind, identity, size and times. <see cref="ModifiedNanoseconds"/> has the
/// 100-ns resolution of .NET's <c>DateTime</c> (the stamps in manifests and probe names were always taken through it,
/// so they must compare equal to ones written before); <see cref="ChangedNanoseconds"/> is exact.
/// </summary>
internal readonly record struct CacheFileStatus(bool IsDirectory, ulong Device, ulong Inode, long Size, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    /// <summary>The longest stamp text: four 20-digit numbers and three spaces.</summary>
    private const int MaxStampLength = 4 * 20 + 3;

    /// <summary>The modification time as a UTC instant.</summary>
    public DateTimeOffset Modified => new(DateTime.UnixEpoch.AddTicks(ModifiedNanoseconds / 100), TimeSpan.Zero);

    /// <summary>The library stamp of a manifest: "inode size mtime-ns ctime-ns". Any write, truncation or replacement
    /// changes at least one of them, and ctime cannot be set back by ordinary calls.</summary>
    public string Stamp() => string.Create(CultureInfo.InvariantCulture, $"{Inode} {Size} {ModifiedNanoseconds} {ChangedNanoseconds}");

    /// <summary>Whether <paramref name="stamp"/> is this status's <see cref="Stamp"/>, without allocating: the check
    /// of every first hit in a process compares it.</summary>
    public bool HasStamp(string stamp)
    {
        Span<char> buffer = stackalloc char[MaxStampLength];
        return buffer.TryWrite(CultureInfo.InvariantCulture, $"{Inode} {Size} {ModifiedNanoseconds} {ChangedNanoseconds}", out var written)
            && buffer[..written].SequenceEqual(stamp);
    }

    /// <summary>The compiler's stat identity, as <see cref="FileStamp.Of"/> reports it.</summary>
    public FileStamp ToFileStamp(string fullPath) =>
        new(fullPath, Device, Inode, Size, ModifiedNanoseconds) { ChangedNanoseconds = ChangedNanoseconds };
}
