namespace Kiln.Platform.Errors;

/// <summary>
/// Recognises a full file system in the text of a failed tool or write: the engine adds its remedy to a helper's
/// error, Kiln.Jit turns a compiler's failure into a cache error instead of a recorded compile failure. One
/// implementation under both, so that both faces recognise the same cases.
/// </summary>
internal static class DiskFull
{
    // strerror texts of ENOSPC and EDQUOT in the C locale (.NET's IOException messages; compilers, which Kiln runs
    // with LC_ALL=C or an inherited English locale).
    private static readonly string[] Texts = ["No space left on device", "Disk quota exceeded"];

    /// <summary>True when <paramref name="text"/> reports a full file system or an exhausted quota.</summary>
    public static bool IsIn(string text) => Array.Exists(Texts, t => text.Contains(t, StringComparison.Ordinal));
}
