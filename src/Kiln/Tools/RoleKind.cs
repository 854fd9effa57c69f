namespace Kiln.Tools;

/// <summary>
/// The kind of a dependency role. The numeric value enters the fingerprint (as dlb's dependency class id),
/// so values are never renumbered.
/// </summary>
public enum RoleKind
{
    /// <summary>An input regular file.</summary>
    InputRegularFile = 0,

    /// <summary>An input that is neither a regular file nor a directory (symbolic link, FIFO, …).</summary>
    InputNonRegularFile = 1,

    /// <summary>An input directory.</summary>
    InputDirectory = 2,

    /// <summary>An input environment variable.</summary>
    InputEnvVar = 3,

    /// <summary>An output regular file.</summary>
    OutputRegularFile = 4,

    /// <summary>An output that is neither a regular file nor a directory.</summary>
    OutputNonRegularFile = 5,

    /// <summary>An output directory.</summary>
    OutputDirectory = 6,
}
