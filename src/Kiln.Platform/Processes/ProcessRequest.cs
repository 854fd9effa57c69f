namespace Kiln.Platform.Processes;

/// <summary>What to run: an argument vector (never through a shell) and how to connect its streams.</summary>
/// <param name="FileName">The executable (a path, or a name looked up in PATH).</param>
/// <param name="Arguments">The argument vector.</param>
internal sealed record ProcessRequest(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>The working directory; null for the current one.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Exactly the environment of the process; null to inherit this process's environment.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Which locale the process runs in (see <see cref="ProcessLocale"/>).</summary>
    public ProcessLocale Locale { get; init; } = ProcessLocale.AsGiven;

    /// <summary>Text fed to standard input, which is then closed ("" for an empty input); null to inherit this
    /// process's standard input.</summary>
    public string? StandardInput { get; init; }

    /// <summary>Capture standard output into the result.</summary>
    public bool CaptureStandardOutput { get; init; } = true;

    /// <summary>Capture standard error into the result.</summary>
    public bool CaptureStandardError { get; init; } = true;

    /// <summary>An uncaptured stream goes to this process's own (true) or is read and dropped (false).</summary>
    public bool InheritUncaptured { get; init; }
}

/// <summary>The outcome of a finished process; an uncaptured stream is "".</summary>
/// <param name="ExitCode">The exit status.</param>
/// <param name="StandardOutput">Its standard output, when captured.</param>
/// <param name="StandardError">Its standard error, when captured.</param>
internal sealed record ProcessOutcome(int ExitCode, string StandardOutput, string StandardError);
