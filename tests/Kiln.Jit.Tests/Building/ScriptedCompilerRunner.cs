using Kiln.Jit.Building;
using Kiln.Jit.Cache;
using Kiln.Toolchain;

namespace Kiln.Jit.Tests.Building;

/// <summary>
/// An <see cref="ICompilerRunner"/> that runs nothing: probes answer a fixed gcc identity, compiles answer the next
/// scripted result (the last one repeats) and are recorded with their arguments. For the logic of the cache — look-up,
/// claim, failure recording, retries — without a compiler (and, with <c>InMemoryCacheFileSystem</c>, without a disk).
/// </summary>
internal sealed class ScriptedCompilerRunner(params ToolProcessResult[] compiles) : ICompilerRunner
{
    private readonly List<IReadOnlyList<string>> _compiles = [];

    public int Probes { get; private set; }

    public IReadOnlyList<IReadOnlyList<string>> Compiles => _compiles;

    /// <summary>The compiler is where the request says: nothing is looked for on disk (it may be on a fake file system).</summary>
    public string Locate(SourceLanguage language, string? requested) =>
        requested ?? throw new ToolchainException("the scripted compiler runner needs JitBuildOptions.Compiler");

    public CompilerIdentity Probe(string executable, SourceLanguage language, IReadOnlyList<string> flags)
    {
        Probes++;
        // The probe's stamp is informative only (the probe cache names the file by the stat taken before probing).
        return new CompilerIdentity(new FileStamp(executable, 0, 0, 0, 0), CompilerFamily.Gcc, "gcc (scripted) 1.0", "x86_64-linux-gnu", new string('0', 64), flags);
    }

    /// <summary>Where a compile writes its depfile (<c>-MF</c>) naming <see cref="HeadersRead"/>, as gcc's <c>-MMD</c>
    /// does; null writes nothing.</summary>
    public ICacheFileSystem? Files { get; init; }

    /// <summary>The local headers every compile "reads" (listed in its depfile).</summary>
    public IReadOnlyList<string> HeadersRead { get; init; } = [];

    public Task<ToolProcessResult> RunAsync(string executable, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        _compiles.Add(arguments);
        var depfile = arguments.Select((a, i) => a == "-MF" ? arguments[i + 1] : null).FirstOrDefault(a => a is not null);
        if (Files is not null && depfile is not null)
            Files.WriteAllText(depfile, "libkiln-new.so: " + string.Join(' ', HeadersRead) + "\n");
        return Task.FromResult(compiles[Math.Min(_compiles.Count, compiles.Length) - 1]);
    }
}
