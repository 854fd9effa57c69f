using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Kiln.Contrib.Tests;

/// <summary>
/// The bump rule of docs/contrib.md ("Versions"): a contrib tool's definition, for the run-database, is Kiln.Contrib's
/// name and assembly version (decision 0005), so a change of what a contrib tool does must come with a new version,
/// or the instances built by the old code are taken as up to date. This test notices every change of the sources and
/// makes its author decide: bump the version, or only record the new digest.
/// </summary>
public sealed class ContribVersionTests
{
    /// <summary>Kiln.Contrib's assembly version and the digest of its sources (<see cref="SourceDigest"/>) when they were last recorded.</summary>
    private const string RecordedVersion = "0.2.0.0";
    private const string RecordedSourceDigest = "3814a6115bdf7e9244ae48e6b6e795601f5299d93c47ff0b89434aa8dd49e2c4";

    private static string SourceDirectory([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "src", "Kiln.Contrib"));

    /// <summary>SHA-256 over the <c>.cs</c> files of src/Kiln.Contrib: each file's relative path and text (LF line ends).</summary>
    private static string SourceDigest()
    {
        var root = SourceDirectory();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(root, file)).Replace("\r\n", "\n", StringComparison.Ordinal)));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [Fact]
    public void The_sources_of_the_contrib_tools_are_recorded_with_the_version_they_ship_in()
    {
        var version = typeof(CompileC).Assembly.GetName().Version!.ToString();
        var digest = SourceDigest();
        Assert.True(version == RecordedVersion && digest == RecordedSourceDigest,
            $"Kiln.Contrib {version} with sources of digest {digest}; recorded: {RecordedVersion} with {RecordedSourceDigest}\n" +
            "  | if the change alters what a contrib tool runs, reads or writes, bump <Version> and <AssemblyVersion> in src/Kiln.Contrib/Kiln.Contrib.csproj (docs/contrib.md, \"Versions\")\n" +
            $"  | then record the version and the digest in tests/Kiln.Contrib.Tests/{nameof(ContribVersionTests)}.cs");
    }
}
