using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using Kiln.Tools;

namespace Kiln;

/// <summary>
/// The identity of a tool class (decision 0005). A class is <em>defined in the working tree</em> when the portable
/// PDB of its assembly (embedded or beside it) names a defining source file inside the working tree, or when its
/// assembly is the program that runs the build (<c>dotnet run build.cs</c>, a console project, a test host): its key
/// is that file (relative to the root) and the first line of code of the class, its digest the file's content. Every
/// other class — Kiln.Contrib, a package in <c>.kiln/u/</c>, a project outside the tree — is a <em>library tool</em>:
/// its key is its assembly's name and its full name, its digest that of the assembly's name and version. Neither
/// depends on where Kiln, the library or the tree lies, nor on which build of a library runs.
/// </summary>
/// <remarks>
/// C# offers no caller information for a class declaration; the PDB is the only record of where it is (decision 0002).
/// A class without code (<c>sealed class Link : LinkExecutable;</c>) has no sequence points: its file comes from
/// the PDB's TypeDefinitionDocuments record, and its full name stands for the line.
/// </remarks>
internal static class ToolDefinitions
{
    /// <summary>Roslyn's custom debug information that names the documents of a type without method bodies.</summary>
    private static readonly Guid TypeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    /// <summary>Defining file (null when unknown) and first line of code (0 when the class has none), per type, for the process.</summary>
    private static readonly ConcurrentDictionary<Type, (string? File, int Line)> Locations = new();

    private static readonly Assembly? EntryAssembly = Assembly.GetEntryAssembly();

    /// <summary>
    /// The identity of <paramref name="type"/> in the working tree at <paramref name="rootNative"/>; each definition
    /// (a file's content, a library's version) is digested once per run via <paramref name="digests"/>.
    /// </summary>
    public static ToolIdentity IdentityOf(Type type, string rootNative, ConcurrentDictionary<string, byte[]> digests)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string? key = null, definition = null;
        for (var t = type; t is not null && t.Assembly != typeof(Tool).Assembly; t = t.BaseType)
        {
            var (ownKey, ownDefinition, digestKey, digest) = DefinitionOf(t, rootNative);
            hash.AppendData(digests.GetOrAdd(digestKey, static (_, d) => d(), digest));
            key ??= ownKey;
            definition ??= ownDefinition;
        }
        return new ToolIdentity(key ?? ToolIdentity.LibraryKey(type.Assembly.GetName().Name ?? "", type.FullName ?? type.Name),
            definition ?? type.Assembly.GetName().Name ?? "", hash.GetHashAndReset());
    }

    /// <summary>The key, the definition (for messages), and the digest (with its key in the run's cache) of one class.</summary>
    private static (string Key, string Definition, string DigestKey, Func<byte[]> Digest) DefinitionOf(Type type, string rootNative)
    {
        var assembly = type.Assembly.GetName();
        var name = assembly.Name ?? "";
        var typeName = type.FullName ?? type.Name;
        var (file, line) = Locations.GetOrAdd(type, Locate);
        var inWorkingTree = type.Assembly == EntryAssembly || (file is not null && IsInside(file, rootNative));
        if (!inWorkingTree)
        {
            var library = ToolIdentity.LibraryDefinition(name, assembly.Version);
            return (ToolIdentity.LibraryKey(name, typeName), library, "assembly:" + library, () => SHA256.HashData(Encoding.UTF8.GetBytes(library)));
        }
        if (file is null)
        {
            // The build program compiled without debug information: no file to hash. A deterministic compiler derives
            // the module version id from the assembly's content, so any change of the program redoes its tools.
            var mvid = type.Module.ModuleVersionId;
            return (ToolIdentity.LibraryKey(name, typeName), $"{name} (module {mvid})", "module:" + mvid, () => SHA256.HashData(mvid.ToByteArray()));
        }
        return (ToolIdentity.SourceKey(file, rootNative, line, typeName), file, file, () => DigestOf(file, type));
    }

    private static bool IsInside(string file, string rootNative) =>
        file.StartsWith(rootNative.EndsWith('/') ? rootNative : rootNative + "/", StringComparison.Ordinal);

    private static byte[] DigestOf(string file, Type type)
    {
        if (File.Exists(file))
        {
            try
            {
                return SHA256.HashData(File.ReadAllBytes(file));
            }
            catch (IOException)
            {
                // Unreadable source: fall back to the module version below.
            }
        }
        return SHA256.HashData(type.Module.ModuleVersionId.ToByteArray());
    }

    private static (string? File, int Line) Locate(Type type)
    {
        try
        {
            using var provider = OpenPdb(type.Assembly);
            if (provider is null)
                return (null, 0);
            var reader = provider.GetMetadataReader();
            string? bestFile = null;
            var bestLine = int.MaxValue;
            foreach (var method in MethodsOf(type))
            {
                var handle = MetadataTokens.MethodDefinitionHandle(method.MetadataToken);
                var info = reader.GetMethodDebugInformation(handle.ToDebugInformationHandle());
                if (info.SequencePointsBlob.IsNil)
                    continue;
                foreach (var point in info.GetSequencePoints())
                {
                    if (point.IsHidden || point.StartLine >= bestLine)
                        continue;
                    bestLine = point.StartLine;
                    bestFile = reader.GetString(reader.GetDocument(point.Document).Name);
                }
            }
            return bestFile is null ? (DocumentOfCodelessType(reader, type), 0) : (bestFile, bestLine);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or InvalidOperationException)
        {
            return (null, 0);
        }
    }

    /// <summary>The first document Roslyn records for a type none of whose methods has sequence points.</summary>
    private static string? DocumentOfCodelessType(MetadataReader reader, Type type)
    {
        var definition = MetadataTokens.TypeDefinitionHandle(type.MetadataToken);
        foreach (var handle in reader.GetCustomDebugInformation(definition))
        {
            var information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) != TypeDefinitionDocuments)
                continue;
            var blob = reader.GetBlobReader(information.Value);
            if (blob.RemainingBytes > 0)
                return reader.GetString(reader.GetDocument(MetadataTokens.DocumentHandle(blob.ReadCompressedInteger())).Name);
        }
        return null;
    }

    private static IEnumerable<MethodBase> MethodsOf(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var m in type.GetMethods(all))
            yield return m;
        foreach (var c in type.GetConstructors(all))
            yield return c;
        foreach (var nested in type.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public))
            foreach (var m in MethodsOf(nested))
                yield return m;
    }

    private static MetadataReaderProvider? OpenPdb(Assembly assembly)
    {
        if (string.IsNullOrEmpty(assembly.Location))
            return null;
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var embedded = pe.ReadDebugDirectory().FirstOrDefault(e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        if (embedded.DataSize > 0)
            return pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
        var pdb = Path.ChangeExtension(assembly.Location, ".pdb");
        return File.Exists(pdb) ? MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb)) : null;
    }
}
