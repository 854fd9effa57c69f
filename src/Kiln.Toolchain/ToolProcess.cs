using System.Diagnostics;
using System.Text;

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
/// Runs a tool (compiler, linker) with an argument vector — never through a shell — and captures its output.
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
        using var process = Start(executable, arguments, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(standardInput ?? "");
        process.StandardInput.Close();
        process.WaitForExit();
        return new ToolProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
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
        using var process = Start(executable, arguments, workingDirectory);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return new ToolProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static Process Start(string executable, IEnumerable<string> arguments, string? workingDirectory)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
            info.WorkingDirectory = workingDirectory;
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        // Compiler messages in a stable language, so logs and keys do not depend on the caller's locale.
        info.Environment["LC_ALL"] = "C";
        try
        {
            return Process.Start(info) ?? throw new ToolchainException($"cannot start '{executable}': the process did not start; check that it is an executable file");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ToolchainException($"cannot start '{executable}': {e.Message}; check the path and its execute permission", e);
        }
    }
}
