using Kiln.Platform.Processes;

namespace Kiln.Scheduling;

/// <summary>
/// Runs real processes through the platform's <see cref="ProcessRunner"/>, with exactly the given environment
/// (<see cref="ProcessLocale.AsGiven"/>: a build script chooses its tools' locale). A cancelled run kills the
/// process (and its descendants).
/// </summary>
internal sealed class SystemProcessRunner : IProcessRunner
{
    public static SystemProcessRunner Instance { get; } = new();

    public async Task<ProcessResult> RunAsync(ProcessStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var outcome = await ProcessRunner.RunAsync(new ProcessRequest(start.FileName, start.Arguments)
        {
            WorkingDirectory = start.WorkingDirectory,
            Environment = start.Environment,
            CaptureStandardOutput = start.CaptureStandardOutput,
            CaptureStandardError = start.CaptureStandardError,
            InheritUncaptured = start.InheritUncaptured,
        }, cancellationToken).ConfigureAwait(false);
        return new ProcessResult(outcome.ExitCode, outcome.StandardOutput, outcome.StandardError);
    }
}
