namespace Kiln.Tools;

/// <summary>
/// Where a tool class is defined: its source file and line (from the assembly's debug information) and a
/// digest of the definition (the file's content, or the module version of an assembly without sources).
/// Editing the defining file changes <see cref="DefinitionDigest"/> and causes a redo of its instances.
/// </summary>
/// <param name="DefinitionFile">Absolute path of the defining source file, or <c>assembly:Name/Type</c> when unknown.</param>
/// <param name="Line">Line of the first code of the class in that file (0 when unknown).</param>
/// <param name="DefinitionDigest">SHA-256 of the definition file content (or of the module version id).</param>
public sealed record ToolIdentity(string DefinitionFile, int Line, byte[] DefinitionDigest)
{
    /// <summary>The stable part of the identity, the key under which the run-database remembers instances.</summary>
    public string Key => $"{DefinitionFile}:{Line}";
}
