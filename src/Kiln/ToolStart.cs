using Kiln.Tools;

namespace Kiln;

/// <summary>Starts tool instances in the active context.</summary>
public static class ToolStart
{
    /// <summary>
    /// Starts <paramref name="tool"/> in the active context: decides whether a redo is needed (printing the
    /// reason) and, if so, schedules it — waiting first for a free slot of the context's
    /// <see cref="Context.MaxParallelRedoCount"/>. Returns without waiting for the redo.
    /// </summary>
    /// <param name="tool">The tool instance.</param>
    /// <param name="forceRedo">Redo even when nothing changed.</param>
    /// <exception cref="ContextException">No context is active, or called in a redo.</exception>
    /// <param name="callerFilePath">Set by the compiler: the file of the call (named when the redo fails).</param>
    /// <param name="callerLineNumber">Set by the compiler: the line of the call.</param>
    /// <exception cref="ContextException">No context is active, or called in a redo.</exception>
    /// <exception cref="DependencyException">The instance's dependencies are invalid.</exception>
    /// <exception cref="OperationCanceledException">The run was interrupted (<c>kiln</c> got SIGINT or SIGTERM).</exception>
    public static StartedRun<T> Start<T>(this T tool, bool forceRedo = false,
        [System.Runtime.CompilerServices.CallerFilePath] string callerFilePath = "",
        [System.Runtime.CompilerServices.CallerLineNumber] int callerLineNumber = 0) where T : Tool<T>
    {
        ArgumentNullException.ThrowIfNull(tool);
        var context = Context.Active;
        context.Run.ThrowIfInterrupted();
        return ToolRun.Start(context, tool, forceRedo, callerFilePath, callerLineNumber);
    }
}
