using System.Globalization;
using Kiln.Platform.Posix;

namespace Kiln.Platform.Replay;

/// <summary>
/// Which state of the run-database a record was made against: <c>dev ino size mtime</c> of its file and
/// <c>size mtime</c> of its write-ahead log (<c>-</c> when there is none). A run-database removed or replaced since makes
/// the engine redo everything ("not run before"); one whose log lost frames (a crash before the kernel wrote them: kiln
/// does not fsync) has lost the traces the record describes. Either must leave the fast path. A checkpoint by another
/// program changes the identity too, which costs one full run, never a wrong answer.
/// </summary>
internal static class RunDatabaseIdentity
{
    /// <summary>The identity of the run-database at <paramref name="path"/> now; null when its file cannot be examined.</summary>
    public static string? Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (FileStatus.TryLstat(path, out var main) != 0)
            return null;
        var log = FileStatus.TryLstat(path + "-wal", out var wal) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{wal.Size} {wal.ModifiedNanoseconds}")
            : "-";
        return string.Create(CultureInfo.InvariantCulture, $"{main.Device} {main.Inode} {main.Size} {main.ModifiedNanoseconds} {log}");
    }
}
