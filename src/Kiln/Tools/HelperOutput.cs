namespace Kiln.Tools;

/// <summary>What a helper run returned.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">The captured stream, decoded as UTF-8.</param>
public sealed record HelperOutput(int ExitCode, string Output);
