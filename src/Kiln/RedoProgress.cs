namespace Kiln;

/// <summary>Progress of the redos of a run, reported to <see cref="Configuration.Progress"/>.</summary>
/// <param name="Started">Redos started so far in the run.</param>
/// <param name="Completed">Redos completed (successfully or not) so far.</param>
/// <param name="Tool">The tool instance whose redo just started or completed.</param>
/// <param name="Due">Redos found necessary so far in the run, running and queued ones included: the total as far as it is
/// known (tool instances the script has not started yet are not counted), as ninja's <c>[finished/total]</c>.</param>
public sealed record RedoProgress(int Started, int Completed, string Tool, int Due)
{
    /// <summary>Tool instances the script has started so far (redone or not).</summary>
    public int InstancesStarted { get; init; }

    /// <summary>Tool instances the previous successful run started, when there was one: with <see cref="InstancesStarted"/>,
    /// an estimate of how far the script has come (a script that starts the same instances each run).</summary>
    public int? PreviousInstanceCount { get; init; }
}
