using Kiln.Diagnostics;

namespace Kiln.Tools;

/// <summary>A helper executable exited with an unexpected code.</summary>
public sealed class HelperExecutionException : KilnException
{
    /// <summary>Creates the error for <paramref name="helper"/> run as <paramref name="commandLine"/>.</summary>
    public HelperExecutionException(string helper, string commandLine, int exitCode, string? outputTail = null)
        : base(FormatMessage(helper, commandLine, exitCode, outputTail))
    {
        Helper = helper;
        CommandLine = commandLine;
        ExitCode = exitCode;
    }

    /// <summary>The helper as named by the tool.</summary>
    public string Helper { get; }

    /// <summary>The command line as run (shell-quoted).</summary>
    public string CommandLine { get; }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }

    private static string FormatMessage(string helper, string commandLine, int exitCode, string? outputTail)
    {
        var text = $"execution of {Paths.TreePath.Quote(helper)} returned unexpected exit code {exitCode}\n  | command: {commandLine}";
        if (!string.IsNullOrWhiteSpace(outputTail))
        {
            foreach (var line in outputTail.TrimEnd().Split('\n'))
                text += "\n  | " + line;
            // A helper that failed for a full disk is not the build's fault: say what to do, as kiln's own writes do.
            if (Kiln.Platform.Errors.DiskFull.IsIn(outputTail))
                text += "\n  | " + Kiln.Platform.Errors.DiskFull.Remedy;
        }
        return text;
    }
}
