using Kiln.Paths;
using Kiln.WorkingTree;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// The real file system, every call forwarded; a test's decorator overrides the few calls it changes (mtimes seen
/// coarser, a working-tree time that never advances). <see cref="IsReal"/> stays true, so the run-database is the real
/// SQLite file.
/// </summary>
internal abstract class RealFileSystemDecorator : IFileSystem
{
    protected static PosixFileSystem Real => PosixFileSystem.Instance;

    public bool IsReal => true;

    public virtual FileMemo Lstat(string path) => Real.Lstat(path);

    public void CreateDirectory(string path) => Real.CreateDirectory(path);

    public void Delete(string path) => Real.Delete(path);

    public void Rename(string source, string destination) => Real.Rename(source, destination);

    public void CreateNewFile(string path) => Real.CreateNewFile(path);

    public bool ContentEquals(string path, string otherPath) => Real.ContentEquals(path, otherPath);

    public IReadOnlyList<string> List(string path) => Real.List(path);

    public byte[] ReadAllBytes(string path) => Real.ReadAllBytes(path);

    public void WriteAllBytes(string path, byte[] content) => Real.WriteAllBytes(path, content);

    public virtual long TouchProbe(string path) => Real.TouchProbe(path);

    public IDisposable? TryLock(string path) => Real.TryLock(path);
}
