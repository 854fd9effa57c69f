namespace Kiln.Tools;

/// <summary>Output dependency roles.</summary>
public static class Output
{
    /// <summary>
    /// A regular file the redo creates. With <see cref="ReplaceBySameContent"/> false, replacing it by a
    /// byte-identical file keeps the old one, so its consumers need no redo.
    /// </summary>
    public sealed class RegularFileAttribute() : DependencyRoleAttribute(RoleKind.OutputRegularFile)
    {
        /// <summary>Whether an identical replacement still replaces (and marks the file as changed). Default true.</summary>
        public bool ReplaceBySameContent { get; set; } = true;
    }

    /// <summary>A symbolic link, FIFO, socket or device the redo creates.</summary>
    public sealed class NonRegularFileAttribute() : DependencyRoleAttribute(RoleKind.OutputNonRegularFile);

    /// <summary>A directory the redo creates.</summary>
    public sealed class DirectoryAttribute() : DependencyRoleAttribute(RoleKind.OutputDirectory);
}
