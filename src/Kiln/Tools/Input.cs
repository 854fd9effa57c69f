namespace Kiln.Tools;

/// <summary>Input dependency roles.</summary>
public static class Input
{
    /// <summary>A regular file the redo reads. Redo when its size, mtime, mode, owner or type changed.</summary>
    public sealed class RegularFileAttribute() : DependencyRoleAttribute(RoleKind.InputRegularFile);

    /// <summary>A symbolic link, FIFO, socket or device. Redo also when a link's target changed.</summary>
    public sealed class NonRegularFileAttribute() : DependencyRoleAttribute(RoleKind.InputNonRegularFile);

    /// <summary>A directory (its mtime changes when entries are added or removed).</summary>
    public sealed class DirectoryAttribute() : DependencyRoleAttribute(RoleKind.InputDirectory);

    /// <summary>
    /// An environment variable, on a property of type <see cref="EnvVarValue"/>. Explicit: the value is given at
    /// creation and enters the fingerprint. Non-explicit: the value of the active context's variable at start,
    /// validated against <see cref="Pattern"/> (full match); a changed value causes a redo.
    /// </summary>
    public sealed class EnvVarAttribute : DependencyRoleAttribute
    {
        /// <summary>Declares a role for the variable <paramref name="name"/>.</summary>
        public EnvVarAttribute(string name) : base(RoleKind.InputEnvVar) => Name = name;

        /// <summary>The variable's name.</summary>
        public string Name { get; }

        /// <summary>Regular expression the whole value must match; named groups become <see cref="EnvVarValue.Groups"/>.</summary>
        public string Pattern { get; set; } = ".*";

        /// <summary>A typical valid value, shown in error messages; must match <see cref="Pattern"/>.</summary>
        public string Example { get; set; } = "";
    }
}
