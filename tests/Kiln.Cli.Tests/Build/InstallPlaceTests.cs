using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// Issue 13 item 2, end to end: where kiln is installed, and which build of it runs, does not change the identity
/// of any tool (decision 0005). The built kiln (its output directory) is copied to two places; the second copy is
/// made to look like another build installed elsewhere: no PDBs (no source location known) and a Kiln.Contrib
/// with another module version id. Both build one project that uses contrib tools and a tool of its own script.
/// </summary>
public sealed class InstallPlaceTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("kiln-cli-installs-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
    }

    internal const string Script = """
        using Kiln;
        using Kiln.Contrib;
        using Kiln.Paths;
        using Kiln.Tools;

        using (var context = new Context())
        {
            var compiled = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o" }.Start();
            new LinkExecutable { ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/hello" }.Start();
            new Copy { Source = "README.md", Destination = "build/README.md" }.Start();
        }

        sealed class Copy : Tool<Copy>
        {
            [Input.RegularFile] public required TreePath Source { get; init; }
            [Output.RegularFile] public required TreePath Destination { get; init; }

            protected override async Task<bool> RedoAsync(Copy result, RedoContext context)
            {
                await File.WriteAllBytesAsync(context.NativePathOf(Destination), await File.ReadAllBytesAsync(context.NativePathOf(Source)));
                return false;
            }
        }

        """;

    /// <summary>Writes the project of <see cref="Script"/> into <paramref name="root"/> (with <c>.kiln/</c>), with <paramref name="directives"/> on top.</summary>
    internal static void WriteProject(string root, string directives = "")
    {
        Directory.CreateDirectory(Path.Combine(root, ".kiln"));
        Directory.CreateDirectory(Path.Combine(root, "src"));
        File.WriteAllText(Path.Combine(root, "README.md"), "readme");
        File.WriteAllText(Path.Combine(root, "src", "main.c"), "int main(void) { return 0; }\n");
        File.WriteAllText(Path.Combine(root, "build.cs"), directives + Script);
    }

    [Fact]
    public void Kiln_installed_at_two_places_and_another_build_of_it_share_one_run_database_with_no_redo()
    {
        var built = Path.GetDirectoryName(KilnProcess.Dll)!;
        var first = Install(built, Path.Combine(_scratch, "opt", "kiln-a"));
        var second = Install(built, Path.Combine(_scratch, "home", "kiln-b"));
        foreach (var pdb in Directory.GetFiles(second, "*.pdb"))
            File.Delete(pdb);
        ChangeModuleVersionId(Path.Combine(second, "Kiln.Contrib.dll"));

        var project = Path.Combine(_scratch, "project");
        WriteProject(project);

        var a = Run(first, project);
        Assert.True(a.ExitCode == 0, a.Error);
        Assert.Contains("I run: 3 redo(s), 0 up to date", a.Error, StringComparison.Ordinal);

        var b = Run(second, project);
        Assert.True(b.ExitCode == 0, b.Error);
        Assert.DoesNotContain("redo necessary", b.Error, StringComparison.Ordinal);
        Assert.Contains("I run: 0 redo(s), 3 up to date", b.Error, StringComparison.Ordinal);
    }

    /// <summary>Copies the kiln program as built (its assemblies, Kiln's PDBs, native libraries) to <paramref name="destination"/>.</summary>
    private static string Install(string built, string destination)
    {
        var files = Directory.GetFiles(built, "*.dll")
            .Concat(Directory.GetFiles(built, "Kiln*.pdb"))
            .Concat(Directory.GetFiles(built, "Kiln.Cli.*.json"))
            .Concat(Directory.GetFiles(Path.Combine(built, "runtimes"), "*", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var target = Path.Combine(destination, Path.GetRelativePath(built, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return destination;
    }

    private static KilnProcess.Result Run(string install, string project)
    {
        var info = KilnProcess.StartInfo(project, ["build"]);
        info.ArgumentList[0] = Path.Combine(install, "Kiln.Cli.dll");
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "kiln did not finish within 3 minutes");
        return new KilnProcess.Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Makes <paramref name="assembly"/> look like another build: one byte of its module version id changed in place.</summary>
    private static void ChangeModuleVersionId(string assembly)
    {
        var bytes = File.ReadAllBytes(assembly);
        int offset;
        Guid mvid;
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            var reader = pe.GetMetadataReader();
            var handle = reader.GetModuleDefinition().Mvid;
            mvid = reader.GetGuid(handle);
            offset = pe.PEHeaders.MetadataStartOffset + reader.GetHeapMetadataOffset(HeapIndex.Guid) + (MetadataTokens.GetHeapOffset(handle) - 1) * 16;
        }
        Assert.Equal(mvid.ToByteArray(), bytes.AsSpan(offset, 16).ToArray());
        bytes[offset] ^= 0xFF;
        File.WriteAllBytes(assembly, bytes);
    }
}
