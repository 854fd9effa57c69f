using Kiln.Rebuild;
using Kiln.Tools;

namespace Kiln;

/// <summary>
/// What <see cref="ToolStart.Start{T}"/> returns: whether a redo was needed (and why), and the result — the
/// tool instance with its non-explicit dependencies assigned by the redo — once the redo completed. Awaiting
/// it (or <see cref="Complete"/>) waits for a pending redo and rethrows its failure.
/// </summary>
/// <typeparam name="T">The tool class.</typeparam>
public sealed class StartedRun<T> where T : Tool<T>
{
    // Task<Tool>, not Task<T>: the engine's start path is not generic, so that it can be precompiled.
    private readonly Task<Tool> _completion;
    private Task<T>? _typed;

    internal StartedRun(Task<Tool> completion, RedoReason? reason, long instanceId)
    {
        _completion = completion;
        Reason = reason;
        InstanceId = instanceId;
    }

    /// <summary>Whether a redo is performed (dlb's <c>bool(r)</c>).</summary>
    public bool IsRedo => Reason is not null;

    /// <summary>Why the redo is performed, or null when none is.</summary>
    public RedoReason? Reason { get; }

    /// <summary>The tool instance's number in the run-database (as in "tool instance 3").</summary>
    public long InstanceId { get; }

    /// <summary>Whether the redo (if any) has completed; never waits.</summary>
    public bool IsComplete => _completion.IsCompleted;

    /// <summary>Waits for the redo (if any) and returns the result; rethrows the redo's failure.</summary>
    public T Complete() => (T)_completion.GetAwaiter().GetResult();

    /// <summary>The result, after waiting for the redo (as <see cref="Complete"/>).</summary>
    public T Result => Complete();

    /// <summary>
    /// Waits asynchronously for the redo (if any) and returns the result. (The run itself is deliberately not
    /// awaitable: build scripts start instances without awaiting them, and an awaitable return value would make
    /// the compiler warn, CS4014, at every such start.)
    /// </summary>
    public Task<T> CompleteAsync() => _typed ??= Typed(_completion);

    private static async Task<T> Typed(Task<Tool> completion) => (T)await completion.ConfigureAwait(false);

    /// <summary>True when a redo is performed (dlb's truthiness of a result).</summary>
    public static implicit operator bool(StartedRun<T> run) => run?.IsRedo ?? false;

    /// <summary>Same as <see cref="IsRedo"/>.</summary>
    public bool ToBoolean() => IsRedo;
}
