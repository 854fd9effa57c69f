using Kiln.Paths;

namespace Kiln.Tools;

/// <summary>A temporary file or directory under <c>.kiln/t/</c>, removed with its content when disposed.</summary>
public abstract class TemporaryPath : IDisposable
{
    /// <summary>The working-tree path (<c>.kiln/t/…</c>).</summary>
    public abstract TreePath Path { get; }

    /// <summary>Removes the object if it still exists.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the object if it still exists.</summary>
    protected abstract void Dispose(bool disposing);
}
