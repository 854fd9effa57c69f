using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using Kiln.Tools;

namespace Kiln;

/// <summary>
/// Finds where a tool class is defined, from the portable PDB of its assembly (embedded or beside it): the
/// source file and the first line of code of the class (over its methods and their state machines). The
/// definition digest is the SHA-256 of that file's content, so editing the file redoes its tools' instances;
/// without debug information it is the module's version id (which a deterministic compiler derives from the
/// assembly's content). Base tool classes outside Kiln add their own digests.
/// </summary>
/// <remarks>C# offers no caller information for a class declaration; the PDB is the only record of it.</remarks>
internal static class ToolDefinitions
{
    private static readonly ConcurrentDictionary<Type, (string File, int Line)> Locations = new();

    /// <summary>The identity of <paramref name="type"/>; file contents are hashed once per run via <paramref name="digests"/>.</summary>
    public static ToolIdentity IdentityOf(Type type, ConcurrentDictionary<string, byte[]> digests)
    {
        var (file, line) = Locations.GetOrAdd(type, Locate);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var t = type; t is not null && t.Assembly != typeof(Tool).Assembly; t = t.BaseType)
        {
            var (f, _) = Locations.GetOrAdd(t, Locate);
            hash.AppendData(digests.GetOrAdd(f, _ => DigestOf(f, t)));
        }
        return new ToolIdentity(file, line, hash.GetHashAndReset());
    }

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

    private static (string File, int Line) Locate(Type type)
    {
        var fallback = ($"assembly:{type.Assembly.GetName().Name}/{type.FullName}", 0);
        try
        {
            using var provider = OpenPdb(type.Assembly);
            if (provider is null)
                return fallback;
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
            return bestFile is null ? fallback : (bestFile, bestLine);
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or InvalidOperationException)
        {
            return fallback;
        }
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
