using System.Diagnostics;
using System.Text;
using Kiln.Diagnostics;

namespace Kiln.Cli.Build;

/// <summary>
/// Renders an exception thrown by a build script concisely, as dlb's <c>exctrace</c>: the message (Kiln's errors
/// are already dlb-shaped) and the frames that lie in the script; <c>--verbose</c> shows the full trace.
/// </summary>
internal static class ScriptFailure
{
    public static string Render(Exception exception, string scriptPath, string displayName, bool verbose)
    {
        if (verbose)
            return "error: " + exception;
        var text = new StringBuilder("error: ");
        if (exception is not KilnException)
            text.Append(exception.GetType().Name).Append(": ");
        text.Append(exception.Message.TrimEnd());
        if (Kiln.FailedRedo.TryGet(exception, out var tool, out var startFile, out var startLine))
        {
            var where = startLine <= 0 ? "" : $", started at {(string.Equals(startFile, scriptPath, StringComparison.Ordinal) ? displayName : Path.GetFileName(startFile))}:{startLine}";
            text.Append("\n  | in the redo of ").Append(tool).Append(where);
        }
        var frames = new StackTrace(exception, fNeedFileInfo: true).GetFrames()
            .Where(f => string.Equals(f.GetFileName(), scriptPath, StringComparison.Ordinal) && f.GetFileLineNumber() > 0)
            .Select(f => $"{displayName}:{f.GetFileLineNumber()}")
            .Distinct()
            .ToList();
        foreach (var frame in frames)
            text.Append("\n  | at ").Append(frame);
        if (frames.Count == 0 && exception is not KilnException)
            text.Append("\n  | (no frame in the script; run with --verbose for the full trace)");
        return text.ToString();
    }
}
