using System.Globalization;
using Kiln.Platform.Posix;

namespace Kiln.Platform.Replay;

/// <summary>
/// Which run-database file a record was made against: <c>dev ino</c> of its path. A run-database removed (or replaced) since
/// makes the engine redo everything ("not run before"), so the replay must not stand for it.
/// </summary>
internal static class RunDatabaseIdentity
{
    /// <summary>The identity of the file at <paramref name="path"/> now; null when it cannot be examined.</summary>
    public static string? Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FileStatus.TryLstat(path, out var status) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{status.Device} {status.Inode}")
            : null;
    }
}
