using System.Diagnostics;
using System.Text;

namespace Kiln.Platform.Processes;

/// <summary>
/// The one place Kiln starts processes (src/BannedSymbols.txt bans <c>Process.Start</c> elsewhere): the engine's
/// <c>SystemProcessRunner</c> and Kiln.Toolchain's <c>ToolProcess</c> delegate here, so both faces connect streams,
/// set the locale and cancel the same way. A cancelled run kills the process and its descendants, and waits for
/// it, so that no tool outlives the run that started it.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>Runs <paramref name="request"/> to its end.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The executable cannot be started (missing, not
    /// executable); the callers turn it into their own one-line error.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the process tree was killed.</exception>
    public static async Task<ProcessOutcome> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        using var process = Start(request, out var info);
        var stdout = info.RedirectStandardOutput ? process.StandardOutput.ReadToEndAsync(cancellationToken) : Task.FromResult("");
        var stderr = info.RedirectStandardError ? process.StandardError.ReadToEndAsync(cancellationToken) : Task.FromResult("");
        if (info.RedirectStandardInput)
        {
            if (request.StandardInput!.Length > 0)
                await process.StandardInput.WriteAsync(request.StandardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended between the cancellation and the kill.
            }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        return Outcome(request, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Runs <paramref name="request"/> to its end, blocking the calling thread.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The executable cannot be started.</exception>
    public static ProcessOutcome Run(ProcessRequest request)
    {
        using var process = Start(request, out var info);
        var stdout = info.RedirectStandardOutput ? process.StandardOutput.ReadToEndAsync() : Task.FromResult("");
        var stderr = info.RedirectStandardError ? process.StandardError.ReadToEndAsync() : Task.FromResult("");
        if (info.RedirectStandardInput)
        {
            process.StandardInput.Write(request.StandardInput);
            process.StandardInput.Close();
        }
        process.WaitForExit();
        return Outcome(request, process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static ProcessOutcome Outcome(ProcessRequest request, int exitCode, string output, string error) =>
        new(exitCode, request.CaptureStandardOutput ? output : "", request.CaptureStandardError ? error : "");

    private static Process Start(ProcessRequest request, out ProcessStartInfo info)
    {
        info = new ProcessStartInfo(request.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = request.StandardInput is not null,
            // An uncaptured stream that is not inherited is read and dropped.
            RedirectStandardOutput = request.CaptureStandardOutput || !request.InheritUncaptured,
            RedirectStandardError = request.CaptureStandardError || !request.InheritUncaptured,
        };
        // .NET refuses an encoding for a stream that is not redirected (an inherited one is the terminal's).
        if (info.RedirectStandardOutput)
            info.StandardOutputEncoding = Encoding.UTF8;
        if (info.RedirectStandardError)
            info.StandardErrorEncoding = Encoding.UTF8;
        if (request.WorkingDirectory is not null)
            info.WorkingDirectory = request.WorkingDirectory;
        foreach (var a in request.Arguments)
            info.ArgumentList.Add(a);
        if (request.Environment is not null)
        {
            info.Environment.Clear();
            foreach (var (k, v) in request.Environment)
                info.Environment[k] = v;
        }
        if (request.Locale == ProcessLocale.C)
            info.Environment["LC_ALL"] = "C";
        return Process.Start(info) ?? throw new System.ComponentModel.Win32Exception("the process did not start");
    }
}
