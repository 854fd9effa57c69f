namespace Kiln.Platform.Processes;

/// <summary>
/// The one locale policy of the processes Kiln starts: where Kiln parses or keys on a process's output (compiler
/// probes, <c>--version</c>, predefined macros, the diagnostics recorded in a JIT cache entry, the disk-full texts
/// of <see cref="Errors.DiskFull"/>), the process runs with <c>LC_ALL=C</c>, so that its messages do not depend on
/// the caller's language. A build script's helpers and tools run with exactly the environment the script gave them
/// (the run-database records it; the user's locale is theirs to choose).
/// </summary>
internal enum ProcessLocale
{
    /// <summary>The environment as given (inherited or explicit), unchanged.</summary>
    AsGiven,

    /// <summary><c>LC_ALL=C</c> added to (or replacing it in) the environment: output Kiln parses.</summary>
    C,
}
