using Kiln.Diagnostics;
using Kiln.Paths;

namespace Kiln.Tools;

/// <summary>
/// What a redo may do: run helper executables, use temporaries, replace outputs atomically. A read-only view
/// of the context the tool instance was started in.
/// </summary>
public abstract class RedoContext
{
    /// <summary>Absolute native path of the working tree's root, ending in <c>/</c>.</summary>
    public abstract string RootPath { get; }

    /// <summary>The environment variables defined in the context (the only ones helpers see).</summary>
    public abstract IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Where diagnostic messages go.</summary>
    public abstract DiagnosticLog Log { get; }

    /// <summary>
    /// Whether helpers may colour their diagnostics because they reach a terminal (<see cref="Configuration.ColorDiagnostics"/>):
    /// a compile tool then passes <c>-fdiagnostics-color=always</c>, which the captured output would otherwise lose.
    /// It changes no output, so it is no execution parameter.
    /// </summary>
    public virtual bool ColorDiagnostics => false;

    /// <summary>The absolute native path of a working-tree path.</summary>
    public abstract string NativePathOf(TreePath path);

    /// <summary>
    /// Runs a helper executable (a name looked up once on the PATH captured when the root context was entered,
    /// or a path) with an explicit environment: the context's variables plus
    /// <see cref="HelperOptions.ForcedEnvironment"/>, nothing else.
    /// </summary>
    /// <returns>The exit code, which is one of <see cref="HelperOptions.ExpectedExitCodes"/>.</returns>
    /// <exception cref="HelperExecutionException">The exit code was unexpected.</exception>
    public abstract Task<int> RunHelperAsync(string helper, IEnumerable<object> arguments, HelperOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="RunHelperAsync"/>, and returns the helper's standard output (or error, see options).</summary>
    public abstract Task<HelperOutput> RunHelperWithOutputAsync(string helper, IEnumerable<object> arguments, HelperOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// A new unique path under <c>.kiln/t/</c> (a file, or a directory when <paramref name="isDirectory"/>),
    /// created empty and removed with its content when disposed.
    /// </summary>
    public abstract TemporaryPath Temporary(string suffix = "", bool isDirectory = false);

    /// <summary>
    /// Atomically replaces the explicit output <paramref name="path"/> by <paramref name="source"/> (a temporary
    /// or another path in the managed tree), creating parent directories. For a regular-file role declared with
    /// <c>ReplaceBySameContent = false</c>, an identical file is kept and <paramref name="source"/> deleted.
    /// </summary>
    /// <returns>Whether <paramref name="path"/> was replaced.</returns>
    public abstract bool ReplaceOutput(TreePath path, TreePath source);
}
