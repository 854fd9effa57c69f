using System.Security.Cryptography;

namespace Kiln;

/// <summary>
/// What the host that runs a build script (the <c>kiln</c> command) knows of it and the engine cannot see: the script's
/// files and the assemblies it was compiled against (with their content hashes), its arguments, the working directory,
/// and whether its configuration can be replayed (the static analysis of <c>Kiln.Cli</c>). Put into the configuration
/// record (<see cref="ConfigurationRecord"/>) unchanged.
/// </summary>
internal sealed class ScriptFacts
{
    private ScriptFacts(IReadOnlyList<HashedFile> scripts, IReadOnlyList<HashedFile> references, IReadOnlyList<string> arguments,
        string workingDirectory, IReadOnlyList<string> notReplayableReasons, string? localReferenceDirectory)
    {
        LocalReferenceDirectory = localReferenceDirectory;
        Scripts = scripts;
        References = references;
        Arguments = arguments;
        WorkingDirectory = workingDirectory;
        NotReplayableReasons = notReplayableReasons;
    }

    /// <summary>An absolute path and the SHA-256 (lower-case hex) of the content it had when hashed.</summary>
    public sealed record HashedFile(string Path, string Sha256);

    /// <summary>The script file(s), absolute.</summary>
    public IReadOnlyList<HashedFile> Scripts { get; }

    /// <summary>Assemblies the script was compiled against whose content can change under the same name: Kiln's own and
    /// the local packages (the framework's are named by the runtime version).</summary>
    public IReadOnlyList<HashedFile> References { get; }

    /// <summary>The directory whose <c>*.dll</c> files are references (<c>.kiln/u/</c>), so that a new one there is a new reference; null: none.</summary>
    public string? LocalReferenceDirectory { get; }

    /// <summary>The script's arguments, its name first (as <c>last-arguments.json</c> holds them).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The process's working directory when the script started (absolute).</summary>
    public string WorkingDirectory { get; }

    /// <summary>Why the script's configuration cannot be replayed (one line each, <c>build.cs(4,14): …</c>); empty when it can.</summary>
    public IReadOnlyList<string> NotReplayableReasons { get; }

    /// <summary>Whether the script's configuration can be replayed (<see cref="NotReplayableReasons"/> is empty).</summary>
    public bool IsReplayable => NotReplayableReasons.Count == 0;

    /// <summary>Hashes the files now.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static ScriptFacts Of(IEnumerable<string> scriptFiles, IEnumerable<string> referenceFiles, IReadOnlyList<string> arguments,
        string workingDirectory, IReadOnlyList<string> notReplayableReasons, string? localReferenceDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(scriptFiles);
        ArgumentNullException.ThrowIfNull(referenceFiles);
        return new([.. scriptFiles.Select(Hash)], [.. referenceFiles.Select(Hash)], [.. arguments], workingDirectory, [.. notReplayableReasons], localReferenceDirectory);
    }

    private static HashedFile Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return new(path, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
