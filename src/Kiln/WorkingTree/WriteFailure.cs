using Kiln.Paths;

namespace Kiln.WorkingTree;

/// <summary>
/// What to tell the user when a file in the working tree cannot be written: the operating system's reason is
/// already in the exception's message ("No space left on device : '…'"), so this adds the one thing it lacks —
/// what to do — chosen by the error number (a full disk, a read-only mount and a denied permission each need
/// another remedy, and "check the permissions" is wrong advice for the first two).
/// </summary>
internal static class WriteFailure
{
    private const int EPERM = 1;
    private const int EACCES = 13;
    private const int EROFS = 30;

    /// <summary>
    /// The advice line (without <c>  | </c>) for a failure to write in <paramref name="directory"/>.
    /// </summary>
    /// <remarks>
    /// .NET on Unix puts the raw errno into <see cref="Exception.HResult"/> of the <see cref="IOException"/>s it
    /// raises for write errors (and <see cref="PosixFileSystem"/> and <see cref="ProcessLock"/> do the same), and
    /// raises <see cref="UnauthorizedAccessException"/> for EACCES and EPERM.
    /// </remarks>
    public static string Advice(Exception exception, string directory)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var errno = exception switch
        {
            UnauthorizedAccessException => EACCES,
            IOException io => io.HResult,
            _ => -1,
        };
        return errno switch
        {
            _ when Kiln.Platform.Errors.DiskFull.IsErrno(errno) => Kiln.Platform.Errors.DiskFull.Remedy,
            EROFS => $"the file system of {TreePath.Quote(directory)} is mounted read-only: remount it writable and run again",
            EACCES or EPERM => $"permission denied: make {TreePath.Quote(directory)} writable for this user (e.g. 'chmod u+w') and run again",
            _ => "check the file system and run again",
        };
    }

    /// <summary>Whether <paramref name="exception"/> says that the file system is mounted read-only.</summary>
    public static bool IsReadOnlyFileSystem(Exception exception) => exception is IOException { HResult: EROFS };

    /// <summary>The message for "could not <paramref name="what"/>": reason and advice lines.</summary>
    public static string Describe(string what, Exception exception, string directory) =>
        $"{what}\n  | reason: {Kiln.Platform.Text.Lines.FirstLine(exception.Message)}\n  | {Advice(exception, directory)}";
}
