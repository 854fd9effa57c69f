namespace Kiln.Paths;

/// <summary>The type of a file-system object as seen by <c>lstat</c> (symbolic links are not followed).</summary>
public enum FileKind : byte
{
    /// <summary>No object at the path.</summary>
    Missing = 0,

    /// <summary>A regular file.</summary>
    RegularFile = 1,

    /// <summary>A directory.</summary>
    Directory = 2,

    /// <summary>A symbolic link.</summary>
    SymbolicLink = 3,

    /// <summary>A FIFO, socket or device.</summary>
    Other = 4,
}
