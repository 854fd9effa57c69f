namespace Kiln.Scheduling;

/// <summary>Starts helper processes; the seam that tests replace with a scripted runner.</summary>
internal interface IProcessRunner
{
    /// <summary>Runs a process to completion.</summary>
    Task<ProcessResult> RunAsync(ProcessStart start, CancellationToken cancellationToken);
}
