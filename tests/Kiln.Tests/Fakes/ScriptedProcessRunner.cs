using Kiln.Scheduling;

namespace Kiln.Tests.Fakes;

/// <summary>
/// An <see cref="IProcessRunner"/> that runs nothing: it records every <see cref="ProcessStart"/> and answers
/// with the result of the first script entry whose executable matches, after running the entry's effect (which
/// may create the files a real helper would, e.g. on an <see cref="InMemoryFileSystem"/>). An unscripted start
/// throws <see cref="InvalidOperationException"/>, so a test notices a helper it did not expect.
/// </summary>
/// <remarks>
/// As <see cref="SystemProcessRunner"/>, output that the start does not capture is returned as empty.
/// Thread-safe, because redos run in parallel.
/// </remarks>
internal sealed class ScriptedProcessRunner : IProcessRunner
{
    private readonly Lock _gate = new();
    private readonly List<ProcessStart> _starts = [];
    private readonly List<Entry> _script = [];

    /// <summary>Every start so far, in call order.</summary>
    public IReadOnlyList<ProcessStart> Starts
    {
        get
        {
            lock (_gate)
                return [.. _starts];
        }
    }

    /// <summary>
    /// Scripts the runs of <paramref name="fileName"/> (the full path, or the file name alone to match any
    /// directory): run <paramref name="effect"/>, then return <paramref name="exitCode"/> and the outputs.
    /// With <paramref name="times"/>, the entry is used that often and then skipped.
    /// </summary>
    public ScriptedProcessRunner On(
        string fileName,
        int exitCode = 0,
        string standardOutput = "",
        string standardError = "",
        Action<ProcessStart>? effect = null,
        int times = int.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        return On(
            start => start.FileName == fileName || (!fileName.Contains('/', StringComparison.Ordinal) && Path.GetFileName(start.FileName) == fileName),
            start =>
            {
                effect?.Invoke(start);
                return new ProcessResult(exitCode, standardOutput, standardError);
            },
            times);
    }

    /// <summary>Scripts the starts that <paramref name="matches"/> with a computed result; with <paramref name="first"/>, before the entries scripted so far.</summary>
    public ScriptedProcessRunner On(Func<ProcessStart, bool> matches, Func<ProcessStart, ProcessResult> respond, int times = int.MaxValue, bool first = false)
    {
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(respond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (_gate)
            _script.Insert(first ? 0 : _script.Count, new Entry(matches, respond, times));
        return this;
    }

    public Task<ProcessResult> RunAsync(ProcessStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        cancellationToken.ThrowIfCancellationRequested();
        Entry? entry;
        lock (_gate)
        {
            _starts.Add(start);
            entry = _script.FirstOrDefault(e => e.Remaining > 0 && e.Matches(start));
            if (entry is not null)
                entry.Remaining--;
        }
        if (entry is null)
            throw new InvalidOperationException($"unscripted process start: '{start.FileName}' {string.Join(' ', start.Arguments)}");
        var result = entry.Respond(start);
        return Task.FromResult(result with
        {
            StandardOutput = start.CaptureStandardOutput ? result.StandardOutput : "",
            StandardError = start.CaptureStandardError ? result.StandardError : "",
        });
    }

    private sealed class Entry(Func<ProcessStart, bool> matches, Func<ProcessStart, ProcessResult> respond, int times)
    {
        public Func<ProcessStart, bool> Matches { get; } = matches;

        public Func<ProcessStart, ProcessResult> Respond { get; } = respond;

        public int Remaining { get; set; } = times;
    }
}
