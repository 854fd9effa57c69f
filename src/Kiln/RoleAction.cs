using Kiln.Paths;
using Kiln.Tools;

namespace Kiln;

/// <summary>
/// What the engine does differently per <see cref="RoleKind"/>, in one place per kind (dlb's <c>_dependaction.py</c>):
/// the file kind a path role accepts, whether an explicit output counts as modified by a redo, and how
/// <see cref="RedoContext.ReplaceOutput"/> replaces an output. Every other step treats roles alike.
/// </summary>
internal abstract class RoleAction
{
    private static readonly RoleAction RegularFileInput = new PathInput(FileKind.RegularFile);
    private static readonly RoleAction NonRegularFileInput = new PathInput(FileKind.Other);
    private static readonly RoleAction DirectoryInput = new PathInput(FileKind.Directory);
    private static readonly RoleAction EnvVarInput = new EnvVar();
    private static readonly RoleAction RegularFileOutput = new RegularFileOutputAction();
    private static readonly RoleAction NonRegularFileOutput = new NonRegularFileOutputAction();
    private static readonly RoleAction DirectoryOutput = new DirectoryOutputAction();

    /// <summary>The action of <paramref name="kind"/> (a shared instance: asking costs no allocation).</summary>
    public static RoleAction Of(RoleKind kind) => kind switch
    {
        RoleKind.InputRegularFile => RegularFileInput,
        RoleKind.InputNonRegularFile => NonRegularFileInput,
        RoleKind.InputDirectory => DirectoryInput,
        RoleKind.InputEnvVar => EnvVarInput,
        RoleKind.OutputRegularFile => RegularFileOutput,
        RoleKind.OutputNonRegularFile => NonRegularFileOutput,
        RoleKind.OutputDirectory => DirectoryOutput,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown role kind"),
    };

    /// <summary>The kind of file-system object a path of this role must be (<see cref="FileKind.Other"/>: symbolic link, FIFO, …).</summary>
    public abstract FileKind ExpectedKind { get; }

    /// <summary>
    /// Whether an explicit output of <paramref name="role"/> counts as modified by a successful redo (so every stored
    /// input at or under it becomes "potentially changed"), given whether the redo replaced it with ReplaceOutput.
    /// </summary>
    public virtual bool IsModifiedByRedo(RoleDescriptor role, bool replaced) => true;

    /// <summary>
    /// Replaces the explicit output at <paramref name="destination"/> (native) by <paramref name="source"/> (native,
    /// existing, of the same directory-ness), removing the source; false when the output was kept as it is.
    /// </summary>
    /// <exception cref="IOException">A rename or delete failed; the output of the last redo is kept.</exception>
    public virtual bool Replace(EngineRedoContext context, RoleDescriptor role, TreePath output, string destination, string source) =>
        throw new InvalidOperationException($"role kind of '{role.Name}' has no output to replace");

    private sealed class PathInput(FileKind expected) : RoleAction
    {
        public override FileKind ExpectedKind => expected;
    }

    private sealed class EnvVar : RoleAction
    {
        public override FileKind ExpectedKind => FileKind.Other;
    }

    private sealed class RegularFileOutputAction : RoleAction
    {
        public override FileKind ExpectedKind => FileKind.RegularFile;

        // An output declared with ReplaceBySameContent = false that the redo kept (same content) is not modified.
        public override bool IsModifiedByRedo(RoleDescriptor role, bool replaced) =>
            role.Declaration is not Output.RegularFileAttribute { ReplaceBySameContent: false } || replaced;

        public override bool Replace(EngineRedoContext context, RoleDescriptor role, TreePath output, string destination, string source)
        {
            var fs = context.FileSystem;
            var keepSame = !((Output.RegularFileAttribute)role.Declaration).ReplaceBySameContent;
            var existing = fs.Lstat(destination);
            if (keepSame && existing.Kind == FileKind.RegularFile && fs.Lstat(source).Size == existing.Size && fs.ContentEquals(source, destination))
            {
                fs.Delete(source);
                context.Log.Inform($"kept regular file because replacement has same content: {output}", context.Levels.OutputFilesystemObjectReplacement);
                return false;
            }
            fs.CreateDirectory(Path.GetDirectoryName(destination.TrimEnd('/'))!);
            if (existing.Kind == FileKind.Directory)
                fs.Delete(destination);
            fs.Rename(source, destination);
            context.Log.Inform($"replaced regular file with different one: {output}", context.Levels.OutputFilesystemObjectReplacement);
            return true;
        }
    }

    private sealed class NonRegularFileOutputAction : RoleAction
    {
        public override FileKind ExpectedKind => FileKind.Other;

        public override bool Replace(EngineRedoContext context, RoleDescriptor role, TreePath output, string destination, string source)
        {
            var fs = context.FileSystem;
            fs.CreateDirectory(Path.GetDirectoryName(destination.TrimEnd('/'))!);
            fs.Rename(source, destination);
            context.Log.Inform($"replaced non-regular file: {output}", context.Levels.OutputFilesystemObjectReplacement);
            return true;
        }
    }

    private sealed class DirectoryOutputAction : RoleAction
    {
        public override FileKind ExpectedKind => FileKind.Directory;

        public override bool Replace(EngineRedoContext context, RoleDescriptor role, TreePath output, string destination, string source)
        {
            var fs = context.FileSystem;
            fs.CreateDirectory(Path.GetDirectoryName(destination.TrimEnd('/'))!);
            if (fs.Lstat(destination.TrimEnd('/')).Exists)
            {
                using var trash = context.Temporary(isDirectory: true);
                fs.Rename(destination.TrimEnd('/'), context.NativePathOf(trash.Path) + "old");
            }
            fs.Rename(source.TrimEnd('/'), destination.TrimEnd('/'));
            context.Log.Inform($"replaced directory: {output}", context.Levels.OutputFilesystemObjectReplacement);
            return true;
        }
    }
}
