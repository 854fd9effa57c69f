namespace Kiln.Diagnostics;

/// <summary>
/// A group of diagnostic messages: a title line, and every message output while the cluster is active (in the same
/// asynchronous flow) indented by 2 more spaces. Created and entered by <see cref="DiagnosticLog.Cluster"/>; left
/// by <see cref="Dispose"/>. Counterpart of dlb's <c>dlb.di.Cluster</c>.
/// </summary>
/// <remarks>
/// <para>The title is output when the cluster is entered if its level is not suppressed, otherwise just before
/// the first nested message that is output (with the cluster's own level indicator).</para>
/// <para>A progress cluster (<c>isProgress: true</c>) shows its title with <c>...</c> and, if the title was output,
/// adds a line one level deeper when it is left: <c>&lt;min(level, Info)&gt; done.</c>, or
/// <c>&lt;max(level, Error)&gt; failed with &lt;exception type&gt;.</c> when <see cref="MarkFailed"/> was called.
/// C# has no exception in <c>Dispose</c>, hence <see cref="MarkFailed"/>:</para>
/// <code>
/// using (var cluster = log.Cluster("compile", isProgress: true))
/// {
///     try { Compile(); }
///     catch (Exception e) { cluster.MarkFailed(e); throw; }
/// }
/// </code>
/// </remarks>
public sealed class Cluster : IDisposable
{
    private readonly DiagnosticLog _log;
    private Exception? _failure;
    private int _isDisposed;

    internal Cluster(DiagnosticLog log, List<string> titleLines, Level level, bool isProgress, long? enterTimestamp,
        Cluster? parent)
    {
        _log = log;
        TitleLines = titleLines;
        Level = level;
        IsProgress = isProgress;
        EnterTimestamp = enterTimestamp;
        Parent = parent;
        Nesting = parent is null ? 0 : parent.Nesting + 1;
    }

    /// <summary>The level of the title (and of the 'done.' line, at most <see cref="Level.Info"/>).</summary>
    public Level Level { get; }

    /// <summary>Whether the title ends with <c>...</c> and the cluster reports 'done.' or 'failed with …' when left.</summary>
    public bool IsProgress { get; }

    /// <summary>Formatted title lines without level prefix (see <see cref="MessageFormat"/>).</summary>
    internal List<string> TitleLines { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when entered, if the cluster shows times.</summary>
    internal long? EnterTimestamp { get; }

    /// <summary>The enclosing cluster of the same asynchronous flow at entry, if any.</summary>
    internal Cluster? Parent { get; }

    /// <summary>Number of enclosing clusters (0 for an outermost cluster); the title is indented by 2 spaces per unit.</summary>
    internal int Nesting { get; }

    /// <summary>Whether the title has been output (guarded by the log's write lock).</summary>
    internal bool DidInformTitle { get; set; }

    /// <summary>
    /// Records that the work of this cluster failed with <paramref name="exception"/>; a progress cluster then
    /// reports <c>failed with &lt;exception type&gt;.</c> instead of <c>done.</c> when it is left.
    /// </summary>
    /// <param name="exception">The exception that ends the cluster's work.</param>
    public void MarkFailed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _failure = exception;
    }

    /// <summary>Leaves the cluster: later messages of this flow are no longer nested in it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _isDisposed, 1) != 0)
            return;
        _log.Leave(this, _failure);
    }
}
