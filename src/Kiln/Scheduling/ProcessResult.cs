namespace Kiln.Scheduling;

/// <summary>What a process returned.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Captured standard output, or empty.</param>
/// <param name="StandardError">Captured standard error, or empty.</param>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);
