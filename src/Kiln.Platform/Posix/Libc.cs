using System.Runtime.InteropServices;

namespace Kiln.Platform.Posix;

/// <summary>
/// Every libc function Kiln calls, and the only <c>[LibraryImport]</c>s of the repository (src/BannedSymbols.txt bans
/// the attribute elsewhere). Raw declarations only: the typed wrappers beside this file (<see cref="FileStatus"/>,
/// <see cref="Descriptor"/>, <see cref="FileRename"/>, <see cref="DynamicLoader"/>, <see cref="NativeEnvironment"/>,
/// <see cref="Signals"/>, <see cref="DirectoryIdentity"/>) give them their meaning and error handling.
/// </summary>
/// <remarks>
/// "libc" resolves to glibc's <c>libc.so.6</c> on Linux. glibc 2.33+ exports <c>stat</c>/<c>lstat</c> themselves,
/// 2.34+ <c>dlopen</c>/<c>dlerror</c>, 2.28+ <c>statx</c> (a missing export throws
/// <see cref="EntryPointNotFoundException"/> at the first call). Flag values are those of the Linux generic and
/// x86-64 ABIs (asm-generic/fcntl.h, bits/dlfcn.h), which agree on every value used here.
/// </remarks>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    public const int O_RDONLY = 0;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_CLOEXEC = 0x80000;

    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    public const int RTLD_NOW = 0x2;
    public const int RTLD_GLOBAL = 0x100;

    public const int AT_FDCWD = -100;
    public const uint STATX_INO = 0x100;

    public const int SIGINT = 2;
    public const int SIGKILL = 9;

    [LibraryImport(Library, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Stat(string path, byte* buffer);

    [LibraryImport(Library, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Lstat(string path, byte* buffer);

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Library, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string oldPath, string newPath);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(Library, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport(Library, EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint Pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, EntryPoint = "pread", SetLastError = true)]
    public static partial nint Pread(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Setenv(string name, string value, int overwrite);

    [LibraryImport(Library, EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Dlopen(string path, int flags);

    [LibraryImport(Library, EntryPoint = "dlerror")]
    public static partial nint Dlerror();

    // The resident engine and the front (src/Kiln.Front, src/Kiln.Cli/Server).

    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary>A new session: no controlling terminal, so a Ctrl-C of the terminal that started the engine does not reach it.</summary>
    [LibraryImport(Library, EntryPoint = "setsid")]
    public static partial int SetSession();

    /// <summary>Replaces this process with <paramref name="path"/>; returns only on failure (-1). <paramref name="argv"/> ends with null.</summary>
    [LibraryImport(Library, EntryPoint = "execv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Exec(string path, string?[] argv);

    [LibraryImport(Library, EntryPoint = "pipe", SetLastError = true)]
    public static partial int Pipe(int* fds);

    [LibraryImport(Library, EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport(Library, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int fd, int target);
}
