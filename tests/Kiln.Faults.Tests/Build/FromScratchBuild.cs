namespace Kiln.Faults.Tests.Build;

/// <summary>
/// The oracle of the hostile-environment tests: the outputs of a from-scratch build (no outputs, no run-database) of
/// a project's current sources and script, built by the real kiln in a directory of its own on an ordinary file
/// system; the generated C project's outputs do not depend on the absolute path (no debug information). The
/// directory is kept between builds, with only its <c>.kiln/scripts/</c>, so that the script is compiled once.
/// </summary>
internal sealed class FromScratchBuild : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-faults-scratch-").FullName;

    /// <summary>Builds a copy of <paramref name="project"/>'s sources and script from scratch; returns its outputs.</summary>
    public SortedDictionary<string, byte[]> Outputs(GeneratedCProject project)
    {
        // Everything but the compiled scripts goes: outputs, run-database, last arguments, sources.
        var management = Path.Combine(_root, ".kiln");
        foreach (var entry in Directory.GetFileSystemEntries(_root).Concat(Directory.Exists(management) ? Directory.GetFileSystemEntries(management) : []))
        {
            if (entry == management || entry == Path.Combine(management, "scripts"))
                continue;
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
        foreach (var dir in new[] { "src", "include" })
            GeneratedCProject.CopyDirectory(Path.Combine(project.Root, dir), Path.Combine(_root, dir));
        File.Copy(Path.Combine(project.Root, "build.cs"), Path.Combine(_root, "build.cs"));
        Directory.CreateDirectory(management);
        var r = KilnProcess.Run(_root, "build");
        Assert.True(r.ExitCode == 0, "from-scratch build failed:\n" + r.Error);
        return new GeneratedCProject(_root, project.ModuleCount).Outputs();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's /tmp cleaning.
        }
    }
}
