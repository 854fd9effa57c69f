using Kiln.Jit.Building;
using Kiln.Toolchain;

namespace Kiln.Jit.Tests.Building;

/// <summary>
/// An <see cref="ICompilerRunner"/> that runs nothing: probes answer a fixed gcc identity, compiles answer the next
/// scripted result (the last one repeats) and are recorded with their arguments. For the logic of the cache — look-up,
/// claim, failure recording, retries — without a compiler.
/// </summary>
internal sealed class ScriptedCompilerRunner(params ToolProcessResult[] compiles) : ICompilerRunner
{
    private readonly List<IReadOnlyList<string>> _compiles = [];

    public int Probes { get; private set; }

    public IReadOnlyList<IReadOnlyList<string>> Compiles => _compiles;

    public CompilerIdentity Probe(string executable, SourceLanguage language, IReadOnlyList<string> flags)
    {
        Probes++;
        return new CompilerIdentity(FileStamp.Of(executable), CompilerFamily.Gcc, "gcc (scripted) 1.0", "x86_64-linux-gnu", new string('0', 64), flags);
    }

    public Task<ToolProcessResult> RunAsync(string executable, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        _compiles.Add(arguments);
        return Task.FromResult(compiles[Math.Min(_compiles.Count, compiles.Length) - 1]);
    }
}
