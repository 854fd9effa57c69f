namespace Kiln.Tools;

/// <summary>
/// Who defines a tool class, as the run-database knows it (decision 0005): a <see cref="Key"/> that stays the same
/// wherever Kiln, the tool's library or the working tree lies, and a <see cref="DefinitionDigest"/> that changes
/// with the definition (and so causes a redo of the class's instances).
/// </summary>
/// <param name="Key">
/// A class defined in the working tree: its source file (relative to the root; absolute when outside it) ':' the
/// line of its first code, or ':' its full name when it has no code of its own. A library tool:
/// <c>assembly:</c>Name<c>/</c>FullName.
/// </param>
/// <param name="Definition">What a redo reason names when the digest has changed: the defining file (absolute), or the library and its version.</param>
/// <param name="DefinitionDigest">SHA-256 over the definitions of the class and its base classes outside Kiln: a file's content, or a library's name and version.</param>
public sealed record ToolIdentity(string Key, string Definition, byte[] DefinitionDigest)
{
    /// <summary>The key of a class defined in <paramref name="file"/>: <c>file:line</c>, or <c>file:Name</c> when <paramref name="line"/> is 0.</summary>
    internal static string SourceKey(string file, string rootNative, int line, string typeName)
    {
        var root = rootNative.EndsWith('/') ? rootNative : rootNative + "/";
        var shown = file.StartsWith(root, StringComparison.Ordinal) ? file[root.Length..] : file;
        return line > 0 ? $"{shown}:{line}" : $"{shown}:{typeName}";
    }

    /// <summary>The key of a library tool: independent of where the library was compiled or is installed.</summary>
    internal static string LibraryKey(string assemblyName, string typeName) => $"assembly:{assemblyName}/{typeName}";

    /// <summary>A library's definition: its name and assembly version, which its authors bump when a tool's behaviour changes.</summary>
    internal static string LibraryDefinition(string assemblyName, Version? version) => $"{assemblyName} {version?.ToString() ?? "0.0.0.0"}";
}
