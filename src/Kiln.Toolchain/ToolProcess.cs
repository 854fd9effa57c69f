using Kiln.Platform.Processes;

namespace Kiln.Toolchain;

/// <summary>The outcome of one finished tool process.</summary>
/// <param name="ExitCode">The exit status.</param>
/// <param name="StandardOutput">Everything written to standard output.</param>
/// <param name="StandardError">Everything written to standard error.</param>
public sealed record ToolProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Standard output followed by standard error, as a compiler log shows them.</summary>
    public string CombinedOutput => StandardOutput.Length == 0 ? StandardError
        : StandardError.Length == 0 ? StandardOutput
        : StandardOutput + (StandardOutput.EndsWith('\n') ? "" : "\n") + StandardError;
}

/// <summary>
/// Runs a tool (compiler, linker) with an argument vector — never through a shell — and captures its output. The
/// process inherits this process's environment with <c>LC_ALL=C</c> (<see cref="ProcessLocale.C"/>): compiler
/// messages in a stable language, so logs, keys and the disk-full recognition do not depend on the caller's locale.
/// </summary>
public static class ToolProcess
{
    /// <summary>Runs <paramref name="executable"/> with <paramref name="arguments"/> and waits for it to finish.</summary>
    /// <param name="executable">Path of the executable.</param>
    /// <param name="arguments">The argument vector (no shell quoting is applied or needed).</param>
    /// <param name="workingDirectory">Working directory, or null for the current one.</param>
    /// <param name="standardInput">Text fed to standard input (then closed), or null for an empty input.</param>
    /// <exception cref="ToolchainException">The executable cannot be started.</exception>
    public static ToolProcessResult Run(string executable, IEnumerable<string> arguments, string? workingDirectory = null,
        string? standardInput = null)
    {
        var request = Request(executable, arguments, workingDirectory) with { StandardInput = standardInput ?? "" };
        try
        {
            return Result(ProcessRunner.Run(request));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw CannotStart(executable, e);
        }
    }

    /// <summary>Runs <paramref name="executable"/> asynchronously; cancellation kills the process tree.</summary>
    /// <param name="executable">Path of the executable.</param>
    /// <param name="arguments">The argument vector.</param>
    /// <param name="workingDirectory">Working directory, or null for the current one.</param>
    /// <param name="cancellationToken">Cancels the run and kills the process.</param>
    /// <exception cref="ToolchainException">The executable cannot be started.</exception>
    public static async Task<ToolProcessResult> RunAsync(string executable, IEnumerable<string> arguments,
        string? workingDirectory = null, CancellationToken cancellationToken = default)
    {
        var request = Request(executable, arguments, workingDirectory) with { StandardInput = "" };
        try
        {
            return Result(await ProcessRunner.RunAsync(request, cancellationToken).ConfigureAwait(false));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw CannotStart(executable, e);
        }
    }

    private static ProcessRequest Request(string executable, IEnumerable<string> arguments, string? workingDirectory) =>
        new(executable, arguments.ToList()) { WorkingDirectory = workingDirectory, Locale = ProcessLocale.C };

    private static ToolProcessResult Result(ProcessOutcome outcome) =>
        new(outcome.ExitCode, outcome.StandardOutput, outcome.StandardError);

    private static ToolchainException CannotStart(string executable, System.ComponentModel.Win32Exception e) =>
        new($"cannot start '{executable}': {e.Message}; check the path and its execute permission", e);
}
