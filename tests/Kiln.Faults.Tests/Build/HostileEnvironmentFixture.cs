namespace Kiln.Faults.Tests.Build;

/// <summary>
/// What the tests of <see cref="HostileEnvironmentTests"/> share, so that the build script is compiled once per place
/// rather than once per test (the compiled script is cached by its absolute path; a compile costs seconds): a built
/// two-module project on a 4 MiB tmpfs, one in an ordinary temporary directory, and the from-scratch oracle. Every
/// test leaves its project built and up to date, which it asserts. Disposing unmounts and removes everything.
/// </summary>
public sealed class HostileEnvironmentFixture : IDisposable
{
    private const long TmpfsBytes = 4 << 20;
    private readonly Lock _gate = new();
    private TmpfsMount? _tmpfs;
    private GeneratedCProject? _onTmpfs;
    private GeneratedCProject? _onDisk;
    private string? _diskRoot;

    internal FromScratchBuild Reference { get; } = new();

    /// <summary>The tmpfs and the project built on it; skips the test where tmpfs cannot be mounted.</summary>
    internal (TmpfsMount Tmpfs, GeneratedCProject Project) OnTmpfs()
    {
        lock (_gate)
        {
            if (_onTmpfs is null)
            {
                _tmpfs ??= TmpfsMount.MountOrSkip(TmpfsBytes);
                _onTmpfs = Built(Path.Combine(_tmpfs.Path, "p"));
            }
            return (_tmpfs!, _onTmpfs);
        }
    }

    /// <summary>The project built in an ordinary temporary directory.</summary>
    internal GeneratedCProject OnDisk()
    {
        lock (_gate)
        {
            if (_onDisk is null)
            {
                _diskRoot = Directory.CreateTempSubdirectory("kiln-faults-hostenv-").FullName;
                _onDisk = Built(_diskRoot);
            }
            return _onDisk;
        }
    }

    private static GeneratedCProject Built(string root)
    {
        var project = new GeneratedCProject(root, moduleCount: 2);
        project.WriteAll();
        var r = KilnProcess.Run(root, "build");
        Assert.True(r.ExitCode == 0, r.Error);
        return project;
    }

    public void Dispose()
    {
        _tmpfs?.Dispose();
        Reference.Dispose();
        if (_diskRoot is not null)
        {
            try
            {
                Directory.Delete(_diskRoot, recursive: true);
            }
            catch (IOException)
            {
                // Left for the system's /tmp cleaning.
            }
        }
    }
}
