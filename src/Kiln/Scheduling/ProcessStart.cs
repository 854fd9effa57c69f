namespace Kiln.Scheduling;

/// <summary>What to run.</summary>
/// <param name="FileName">Absolute path of the executable.</param>
/// <param name="Arguments">Arguments, passed as they are (no shell).</param>
/// <param name="WorkingDirectory">Absolute working directory.</param>
/// <param name="Environment">The complete environment of the process.</param>
/// <param name="CaptureStandardOutput">Capture standard output (else inherit or discard).</param>
/// <param name="CaptureStandardError">Capture standard error (else inherit or discard).</param>
/// <param name="InheritUncaptured">Whether uncaptured streams go to this process's streams.</param>
internal sealed record ProcessStart(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    bool CaptureStandardOutput,
    bool CaptureStandardError,
    bool InheritUncaptured);
