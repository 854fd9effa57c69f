using System.Runtime.InteropServices;

namespace Kiln.Resident;

/// <summary>
/// The libc calls of the front and the resident engine, in one file so that they can move into the platform
/// library as a whole. Linux and macOS (the calls and their numbers are POSIX).
/// </summary>
internal static partial class ResidentLibc
{
    /// <summary>SIGINT, the signal of Ctrl-C (2 on Linux and macOS).</summary>
    public const int SigInt = 2;

    /// <summary>The effective user id of this process.</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary>Starts a new session (no controlling terminal: a Ctrl-C of the terminal that started the engine does not reach it).</summary>
    [LibraryImport("libc", EntryPoint = "setsid")]
    public static partial int SetSession();

    /// <summary>Replaces this process with <paramref name="path"/>; returns only on failure (-1).</summary>
    /// <param name="path">The program file.</param>
    /// <param name="argv">Arguments with a null last element.</param>
    [LibraryImport("libc", EntryPoint = "execv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Exec(string path, string?[] argv);

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/>.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>pipe(2): a read end and a write end.</summary>
    [LibraryImport("libc", EntryPoint = "pipe", SetLastError = true)]
    public static unsafe partial int Pipe(int* fds);

    /// <summary>dup(2).</summary>
    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    /// <summary>dup2(2).</summary>
    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int fd, int target);

    /// <summary>close(2).</summary>
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
