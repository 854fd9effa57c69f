using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Kiln.Platform.Command;

namespace Kiln.Cli.Build;

/// <summary>
/// What a build script is compiled against: the framework assemblies this process runs on, the Kiln assemblies
/// shipped with <c>kiln</c>, and the user's assemblies in <c>.kiln/u/</c>. Its <see cref="Digest"/> enters the
/// script cache key, so a new Kiln, a new runtime or a changed local package recompiles the script.
/// </summary>
internal sealed class ScriptReferences
{
    private ScriptReferences(IReadOnlyList<string> framework, IReadOnlyList<string> kiln, IReadOnlyList<string> local, string localDirectory, byte[] digest)
    {
        LocalDirectory = localDirectory;
        Framework = framework;
        Kiln = kiln;
        Local = local;
        Digest = digest;
    }

    public IReadOnlyList<string> Framework { get; }

    public IReadOnlyList<string> Kiln { get; }

    /// <summary><c>.kiln/u/</c> (absolute, whether it exists or not).</summary>
    public string LocalDirectory { get; }

    /// <summary>Assemblies from <c>.kiln/u/</c>, sorted.</summary>
    public IReadOnlyList<string> Local { get; }

    public byte[] Digest { get; }

    public IEnumerable<string> All => Framework.Concat(Kiln).Concat(Local);

    /// <summary>Kiln's own assemblies that scripts may use (loaded in this process already or beside it).</summary>
    private static readonly string[] KilnAssemblyNames = ["Kiln", "Kiln.Toolchain", "Kiln.Contrib"];

    public static ScriptReferences For(string root)
    {
        var framework = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll" or "Microsoft.Win32.Primitives.dll")
            .Order(StringComparer.Ordinal)
            .ToList();
        var here = AppContext.BaseDirectory;
        var kiln = KilnAssemblyNames.Select(n => Path.Combine(here, n + ".dll")).Where(File.Exists).ToList();
        var localDir = Path.Combine(root, WorkingTreeRoot.MarkerName, "u");
        var local = Directory.Exists(localDir)
            ? Directory.EnumerateFiles(localDir, "*.dll").Where(p => Path.GetFileName(p) != ".dll").Order(StringComparer.Ordinal).ToList()
            : [];

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(Environment.Version.ToString()));
        foreach (var p in framework)
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(p) + "\n"));
        foreach (var name in KilnAssemblyNames)
        {
            // The module version id changes with every build of Kiln (deterministic: with its content).
            var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
            var mvid = loaded?.ManifestModule.ModuleVersionId
                ?? (File.Exists(Path.Combine(here, name + ".dll")) ? AssemblyMvid(Path.Combine(here, name + ".dll")) : Guid.Empty);
            hash.AppendData(mvid.ToByteArray());
        }
        foreach (var p in local)
        {
            var info = new FileInfo(p);
            hash.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(p)}:{info.Length}:{info.LastWriteTimeUtc.Ticks}\n"));
        }
        return new ScriptReferences(framework, kiln, local, localDir, hash.GetHashAndReset());
    }

    private static Guid AssemblyMvid(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return reader.GetGuid(reader.GetModuleDefinition().Mvid);
    }

    /// <summary>Resolves an assembly name to one of the local packages (for the script's load context).</summary>
    public string? FindLocal(AssemblyName name) =>
        Local.FirstOrDefault(p => string.Equals(Path.GetFileNameWithoutExtension(p), name.Name, StringComparison.OrdinalIgnoreCase));
}
