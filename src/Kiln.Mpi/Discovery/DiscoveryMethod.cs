namespace Kiln.Mpi.Discovery;

/// <summary>How <see cref="SharedDirectoryDiscovery"/> finds the ranks that share a directory.</summary>
public enum DiscoveryMethod
{
    /// <summary>Every rank creates, lists and deletes a marker file: P file operations of each kind, and listings of
    /// up to P names in a directory that all P ranks share (dijitso's protocol, hardened).</summary>
    TouchFiles,

    /// <summary>
    /// Within each node, ranks whose directory has the same (device, inode) are one class, with no file at all (exact
    /// on one kernel); then only one representative per class runs <see cref="TouchFiles"/>. For large jobs: the file
    /// system sees one operation per (node, directory) instead of one per rank. Falls back to
    /// <see cref="TouchFiles"/> where a directory's identity cannot be read.
    /// </summary>
    NodeThenTouchFiles,
}
