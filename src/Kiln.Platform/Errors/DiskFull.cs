using Kiln.Platform.Posix;

namespace Kiln.Platform.Errors;

/// <summary>
/// A full file system (ENOSPC, EDQUOT), by errno or in the text of a failed tool or write, and the one remedy text
/// the engine gives for it (<see cref="Remedy"/>): the engine adds the remedy to a write failure and to a helper's
/// error, Kiln.Jit turns a compiler's failure into a cache error instead of a recorded compile failure. One
/// implementation under both, so that both faces recognise the same cases.
/// </summary>
internal static class DiskFull
{
    // strerror texts of ENOSPC and EDQUOT in the C locale (.NET's IOException messages; compilers, which Kiln runs
    // with LC_ALL=C or an inherited English locale).
    private static readonly string[] Texts = ["No space left on device", "Disk quota exceeded"];

    /// <summary>What to do about a full file system, as the engine says it (one line, without the <c>  | </c> prefix).</summary>
    public const string Remedy = "the file system is full (or the quota is exhausted): free space on it and run again";

    /// <summary>True for ENOSPC and EDQUOT.</summary>
    public static bool IsErrno(int errno) => errno is Errno.ENOSPC or Errno.EDQUOT;

    /// <summary>True when <paramref name="text"/> reports a full file system or an exhausted quota.</summary>
    public static bool IsIn(string text) => Array.Exists(Texts, t => text.Contains(t, StringComparison.Ordinal));
}
