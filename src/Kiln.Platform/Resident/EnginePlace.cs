using System.Security.Cryptography;
using System.Text;

namespace Kiln.Platform.Resident;

/// <summary>
/// Where a user's engine listens: one directory per user, <c>$XDG_RUNTIME_DIR/kiln/</c> (or <c>/tmp/kiln-$UID/</c>
/// without one), mode 0700; in it one socket per engine binary, <c>engine-&lt;identity&gt;.sock</c>, identity = hash of
/// Kiln's version and the engine assembly's path, size and modification time. An upgraded or rebuilt Kiln so gets
/// an engine of its own: a stale one is never asked.
/// </summary>
internal static class EnginePlace
{
    /// <summary>The file name of the engine assembly (the managed <c>kiln</c>).</summary>
    public const string EngineAssembly = "Kiln.Cli.dll";

    // sun_path holds 108 bytes on Linux, 104 on macOS, with the terminating NUL.
    private const int MaxSocketPath = 103;

    /// <summary>The user's engine directory for <paramref name="runtimeDirectory"/> (<c>XDG_RUNTIME_DIR</c>, may be null).</summary>
    public static string Directory(string? runtimeDirectory, uint userId) =>
        !string.IsNullOrEmpty(runtimeDirectory) && Path.IsPathRooted(runtimeDirectory)
            ? Path.Combine(runtimeDirectory, "kiln")
            : $"/tmp/kiln-{userId}";

    /// <summary>The identity of the engine whose assembly is <paramref name="engineAssemblyPath"/>: 16 hex digits.</summary>
    /// <exception cref="IOException">The assembly cannot be examined.</exception>
    public static string Identity(string version, string engineAssemblyPath)
    {
        var path = Path.GetFullPath(engineAssemblyPath);
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"engine assembly not found: '{path}'", path);
        var text = $"{version}\n{path}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>The socket of the engine of <paramref name="identity"/> in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The path does not fit a socket address (a too long <c>XDG_RUNTIME_DIR</c>).</exception>
    public static string SocketPath(string directory, string identity)
    {
        var path = Path.Combine(directory, $"engine-{identity}.sock");
        if (Encoding.UTF8.GetByteCount(path) > MaxSocketPath)
            throw new IOException($"engine socket path too long for a socket address ({MaxSocketPath} bytes): '{path}'");
        return path;
    }

    /// <summary>
    /// Creates <paramref name="directory"/> with mode 0700 if missing. Null when it is usable; else why not (not a
    /// directory, or open to others: then the engine is not used, since another user could serve or watch the runs).
    /// </summary>
    public static string? Prepare(string directory)
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (OperatingSystem.IsWindows())
            return "no resident engine on Windows";
        try
        {
            System.IO.Directory.CreateDirectory(directory, Private);
            var info = new DirectoryInfo(directory);
            if (info.LinkTarget is not null)
                return $"engine directory '{directory}' is a symbolic link";
            var mode = info.UnixFileMode;
            if (mode != Private)
                return $"engine directory '{directory}' has mode {Convert.ToString((int)mode, 8)}, not 700 (remove it, or make it private to you with 'chmod 700')";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot create engine directory '{directory}': {e.Message}";
        }
    }
}
