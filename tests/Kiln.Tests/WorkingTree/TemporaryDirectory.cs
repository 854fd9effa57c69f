namespace Kiln.Tests.WorkingTree;

/// <summary>A fresh directory under the system's temporary directory, removed with its content when disposed.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = Directory.CreateTempSubdirectory("kiln-test-").FullName + "/";
    }

    /// <summary>Absolute path, ending in <c>/</c>.</summary>
    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's cleaning of temporary directories.
        }
    }
}
