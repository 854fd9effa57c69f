using Kiln.Toolchain;

namespace Kiln.Jit.Building;

/// <summary>The real processes: <see cref="CompilerIdentity.Probe"/> and <see cref="ToolProcess.RunAsync"/>.</summary>
internal sealed class SystemCompilerRunner : ICompilerRunner
{
    public static readonly SystemCompilerRunner Instance = new();

    private SystemCompilerRunner()
    {
    }

    public CompilerIdentity Probe(string executable, SourceLanguage language, IReadOnlyList<string> flags) =>
        CompilerIdentity.Probe(executable, language, flags);

    public Task<ToolProcessResult> RunAsync(string executable, IReadOnlyList<string> arguments, string workingDirectory, CancellationToken cancellationToken) =>
        ToolProcess.RunAsync(executable, arguments, workingDirectory, cancellationToken);
}
