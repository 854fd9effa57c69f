using Kiln.Toolchain;

namespace Kiln.Jit.Building;

/// <summary>
/// The seam for every process Kiln.Jit runs: the compiler's identity probe (once per compiler stat, then cached on disk)
/// and the library compile. The default is <see cref="SystemCompilerRunner"/>; logic tests pass a scripted runner so
/// cache decisions, failure recording and look-up/claim run without a compiler.
/// </summary>
internal interface ICompilerRunner
{
    /// <summary>The absolute path of the compiler for <paramref name="language"/>: <paramref name="requested"/> (a name on
    /// PATH or a path), else <c>CC</c>/<c>CXX</c>, else the usual names on PATH.</summary>
    /// <exception cref="ToolchainException">No usable compiler was found.</exception>
    string Locate(SourceLanguage language, string? requested) => CompilerDiscovery.Resolve(language, requested);

    /// <summary>The identity of the compiler at <paramref name="executable"/> (version, target, predefined macros).</summary>
    /// <exception cref="ToolchainException">The compiler cannot be run or is not understood.</exception>
    CompilerIdentity Probe(string executable, SourceLanguage language, IReadOnlyList<string> flags);

    /// <summary>Runs one compile and waits for it; a cancellation kills it.</summary>
    /// <exception cref="ToolchainException">The compiler cannot be started.</exception>
    Task<ToolProcessResult> RunAsync(string executable, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken);
}
