using System.Diagnostics;

namespace Kiln.Scheduling;

/// <summary>
/// Runs real processes with <see cref="Process"/>, with exactly the given environment. A cancelled run kills the
/// process (and its descendants).
/// </summary>
internal sealed class SystemProcessRunner : IProcessRunner
{
    public static SystemProcessRunner Instance { get; } = new();

    public async Task<ProcessResult> RunAsync(ProcessStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var info = new ProcessStartInfo(start.FileName)
        {
            WorkingDirectory = start.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = false,
            // An uncaptured stream that is not inherited is read and dropped.
            RedirectStandardOutput = start.CaptureStandardOutput || !start.InheritUncaptured,
            RedirectStandardError = start.CaptureStandardError || !start.InheritUncaptured,
        };
        foreach (var a in start.Arguments)
            info.ArgumentList.Add(a);
        info.Environment.Clear();
        foreach (var (k, v) in start.Environment)
            info.Environment[k] = v;

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start '{start.FileName}'");
        var stdout = info.RedirectStandardOutput ? process.StandardOutput.ReadToEndAsync(cancellationToken) : Task.FromResult("");
        var stderr = info.RedirectStandardError ? process.StandardError.ReadToEndAsync(cancellationToken) : Task.FromResult("");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled: the helper must not outlive the run that started it.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        return new ProcessResult(process.ExitCode,
            start.CaptureStandardOutput ? output : "",
            start.CaptureStandardError ? error : "");
    }
}
