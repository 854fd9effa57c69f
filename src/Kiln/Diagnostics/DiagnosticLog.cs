using System.Globalization;
using System.Text;

namespace Kiln.Diagnostics;

/// <summary>
/// Hierarchical, indented diagnostic messages in dlb's format (a port of <c>dlb.di</c>), written to a
/// <see cref="TextWriter"/>.
/// </summary>
/// <remarks>
/// <para>Message format (see <c>docs/diagnostics.md</c>): a message is an initial line plus continuation lines,
/// each indented by 2 spaces per enclosing <see cref="Diagnostics.Cluster"/>:</para>
/// <code>
/// initial_line      = indentation level_indicator ' ' summary [ '.' | '...' ] [ ' [+' seconds 's]' ]
/// continuation_line = indentation '  |' [ ' ' text ]
/// </code>
/// <para>Lines of a multi-line message are separated by <c>" \n"</c> (space, LF); the last line ends with
/// <c>"\n"</c>.</para>
/// <para>Unlike dlb's module-global state, a log is an instance, and the cluster nesting is per asynchronous flow
/// (<see cref="AsyncLocal{T}"/>): redos running in parallel each see their own clusters (and the ones that enclosed
/// them when they were started). Each message, together with the titles of its clusters not yet output, is written
/// with one <see cref="TextWriter.Write(string)"/> call under a lock, so lines of concurrent messages never
/// interleave.</para>
/// </remarks>
public sealed class DiagnosticLog
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    private readonly Lock _writeLock = new();
    private readonly AsyncLocal<Cluster?> _innermostCluster = new();
    private readonly AsyncLocal<StringBuilder?> _block = new();
    private readonly TimeProvider _timeProvider;
    private TextWriter _output;
    private volatile Level _threshold = Level.Info;

    // Timestamp (TimeProvider.GetTimestamp()) of the first output message with time information; guarded by _writeLock.
    private long? _firstTimestamp;

    /// <summary>Creates a log with threshold <see cref="Level.Info"/> that writes to <paramref name="output"/>.</summary>
    /// <param name="output">Where messages go.</param>
    /// <param name="timeProvider">Source of the timestamps for time suffixes; <see cref="TimeProvider.System"/> if null.</param>
    public DiagnosticLog(TextWriter output, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The process-wide log: standard error, threshold <see cref="Level.Info"/>, or 1 (everything) when the
    /// environment variable <c>KILN_VERBOSE</c> is set to a non-empty value (dlb: <c>python3 -v</c>).
    /// </summary>
    public static DiagnosticLog Default { get; private set; } = MakeDefault();

    /// <summary>A new default log on the current standard error and <c>KILN_VERBOSE</c> (the resident engine, before each run).</summary>
    internal static void ResetDefault() => Default = MakeDefault();

    private static DiagnosticLog MakeDefault() =>
        new(Console.Error) { Threshold = DefaultThreshold(Environment.GetEnvironmentVariable("KILN_VERBOSE")) };

    /// <summary>Messages below this level are suppressed (dlb: <c>set_threshold_level</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level is not positive.</exception>
    public Level Threshold
    {
        get => _threshold;
        set => _threshold = CheckLevel(value, nameof(value));
    }

    /// <summary>Where messages go.</summary>
    public TextWriter Output
    {
        get
        {
            lock (_writeLock)
                return _output;
        }
    }

    /// <summary>Replaces the output and returns the previous one (dlb: <c>set_output_file</c>).</summary>
    /// <param name="output">Where messages go from now on.</param>
    public TextWriter SetOutput(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_writeLock)
        {
            var previous = _output;
            _output = output;
            return previous;
        }
    }

    /// <summary>Whether a message of <paramref name="level"/> would be output (dlb: <c>is_unsuppressed_level</c>).</summary>
    /// <param name="level">A positive level.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not positive.</exception>
    public bool IsUnsuppressed(Level level) => CheckLevel(level) >= _threshold;

    /// <summary>
    /// The level indicator of <paramref name="level"/>: the letter of the greatest standard level not above it
    /// ('D', 'I', 'W', 'E', 'C'); 'D' for levels below <see cref="Level.Debug"/> (dlb: <c>get_level_indicator</c>).
    /// </summary>
    /// <param name="level">A positive level.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not positive
    /// (message <c>'level' must be positive</c>).</exception>
    public static char LevelIndicator(Level level) => CheckLevel(level) switch
    {
        < Level.Info => 'D',
        < Level.Warning => 'I',
        < Level.Error => 'W',
        < Level.Critical => 'E',
        _ => 'C',
    };

    /// <summary>
    /// The message as it would be output without enclosing clusters and without the final LF
    /// (dlb: <c>format_message</c>), e.g. <c>FormatMessage("\njust a moment! ", Level.Warning) == "W just a moment!"</c>.
    /// </summary>
    /// <param name="message">Summary line, optionally followed by continuation lines indented by at least 2 more
    /// spaces than the summary; '\t' and '\b' end fields that are aligned left or right over all lines.</param>
    /// <param name="level">A positive level.</param>
    /// <exception cref="ArgumentException"><paramref name="message"/> violates the message grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not positive.</exception>
    public static string FormatMessage(string message, Level level) => FormatMessage(message, level, []);

    /// <summary>
    /// The message with <paramref name="data"/> as continuation lines, as it would be output without enclosing
    /// clusters and without the final LF (dlb: <c>format_message(message, *data, level=…)</c>).
    /// </summary>
    /// <param name="message">See <see cref="FormatMessage(string, Level)"/>.</param>
    /// <param name="level">A positive level.</param>
    /// <param name="data">Items shown as continuation lines (a string as is, anything else by its invariant string
    /// representation; control characters become spaces).</param>
    /// <exception cref="ArgumentException"><paramref name="message"/> violates the message grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not positive.</exception>
    public static string FormatMessage(string message, Level level, params IEnumerable<object?> data)
    {
        var indicator = LevelIndicator(level);
        return MessageFormat.Join(indicator + " ", MessageFormat.Lines(message, data));
    }

    /// <summary>
    /// The seconds in <paramref name="nanoseconds"/> with 6 decimal places, rounded toward zero
    /// (dlb: <c>format_time_ns</c>), e.g. <c>"1.234567"</c> for 1 234 567 890 ns.
    /// </summary>
    /// <remarks>dlb derives the number of decimal places from the resolution of the monotonic clock (6 for 1 ns,
    /// the resolution of <see cref="TimeProvider.System"/> on Linux); Kiln fixes it at 6 so that the format does
    /// not depend on the platform.</remarks>
    /// <param name="nanoseconds">A duration in nanoseconds.</param>
    public static string FormatTime(long nanoseconds)
    {
        // The magnitude of long.MinValue is not a long.
        var negative = nanoseconds < 0;
        var magnitude = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        var seconds = magnitude / NanosecondsPerSecond;
        var fraction = magnitude % NanosecondsPerSecond / 1000; // 6 of the 9 decimal places
        return string.Create(CultureInfo.InvariantCulture, $"{(negative ? "-" : "")}{seconds}.{fraction:D6}");
    }

    /// <summary>
    /// Outputs a message, after the titles of all enclosing clusters not yet output, unless
    /// <paramref name="level"/> is suppressed (dlb: <c>inform</c>).
    /// </summary>
    /// <param name="message">See <see cref="FormatMessage(string, Level)"/>.</param>
    /// <param name="level">A positive level.</param>
    /// <param name="withTime">Whether to append <c>[+&lt;seconds&gt;s]</c> to the summary: the time since the
    /// first message with time information of this log.</param>
    /// <param name="data">Items shown as continuation lines.</param>
    /// <returns>Whether the message was output.</returns>
    /// <exception cref="ArgumentException"><paramref name="message"/> violates the message grammar (also when the
    /// level is suppressed).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not positive.</exception>
    public bool Inform(string message, Level level = Level.Info, bool withTime = false, params IEnumerable<object?> data)
    {
        var indicator = LevelIndicator(level);
        var lines = MessageFormat.Lines(message, data);
        if (!IsUnsuppressed(level))
            return false;

        var innermost = _innermostCluster.Value;
        var nesting = innermost is null ? 0 : innermost.Nesting + 1;
        lock (_writeLock)
        {
            // As dlb: the time of the message is taken before the cluster titles are formatted.
            var suffix = withTime ? TimeSuffix(_timeProvider.GetTimestamp()) : "";
            var text = new StringBuilder();
            if (innermost is not null)
                AppendPendingTitles(text, innermost);
            AppendMessage(text, nesting, indicator, lines, suffix);
            Emit(text.ToString());
        }

        return true;
    }

    /// <summary>
    /// Writes <paramref name="text"/> as it is (a helper's own output, such as a compiler's warnings) to the output,
    /// under the lock of messages: it never interleaves with a message, and an output that keeps a progress line
    /// (the terminal of <c>kiln build</c>) erases the line before it and redraws it after.
    /// </summary>
    public void WriteVerbatim(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
            return;
        lock (_writeLock)
            Emit(text.EndsWith('\n') ? text : text + "\n");
    }

    /// <summary>
    /// Enters a new cluster in the current asynchronous flow: later messages of this flow are indented by 2 more
    /// spaces until the cluster is disposed (dlb: <c>with dlb.di.Cluster(…):</c>).
    /// </summary>
    /// <param name="message">The title; see <see cref="FormatMessage(string, Level)"/>.</param>
    /// <param name="level">Level of the title; if suppressed, the title is output only before the first nested
    /// message that is output.</param>
    /// <param name="isProgress">Whether the title ends with <c>...</c> and leaving the cluster reports
    /// <c>done.</c> or <c>failed with &lt;exception type&gt;.</c>.</param>
    /// <param name="withTime">Whether the title (and the result line of a progress cluster) shows the time.</param>
    /// <returns>The entered cluster; dispose it to leave.</returns>
    /// <exception cref="ArgumentException"><paramref name="message"/> violates the message grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not positive.</exception>
    public Cluster Cluster(string message, Level level = Level.Info, bool isProgress = false, bool withTime = false)
    {
        CheckLevel(level);
        var titleLines = MessageFormat.Lines(message, null);
        long? enterTimestamp = withTime ? _timeProvider.GetTimestamp() : null;
        var cluster = new Cluster(this, titleLines, level, isProgress, enterTimestamp, _innermostCluster.Value);

        if (IsUnsuppressed(level))
        {
            lock (_writeLock)
            {
                var text = new StringBuilder();
                AppendPendingTitles(text, cluster);
                Emit(text.ToString());
            }
        }

        _innermostCluster.Value = cluster;
        return cluster;
    }

    /// <summary>
    /// Starts a block in the current asynchronous flow: until it is disposed, what this flow (and the flows it starts)
    /// outputs is kept, and then written with one write, so that a redo's reason, its start, its helpers' output and its
    /// aftermath appear together under parallel redos, as ninja prints a command's output when it ends.
    /// </summary>
    internal IDisposable BeginBlock()
    {
        var outer = _block.Value;
        var block = new Block(this, outer);
        _block.Value = block.Text;
        return block;
    }

    private sealed class Block(DiagnosticLog log, StringBuilder? outer) : IDisposable
    {
        public StringBuilder Text { get; } = new();

        public void Dispose()
        {
            log._block.Value = outer;
            if (Text.Length == 0)
                return;
            lock (log._writeLock)
            {
                if (outer is not null)
                    outer.Append(Text);
                else
                    log._output.Write(Text.ToString());
            }
        }
    }

    // Caller holds _writeLock.
    private void Emit(string text)
    {
        if (_block.Value is { } block)
            block.Append(text);
        else
            _output.Write(text);
    }

    /// <summary>Threshold of <see cref="Default"/> for a value of the environment variable <c>KILN_VERBOSE</c>.</summary>
    internal static Level DefaultThreshold(string? kilnVerbose) => string.IsNullOrEmpty(kilnVerbose) ? Level.Info : (Level)1;

    /// <summary>Leaves <paramref name="cluster"/> (called once, by <see cref="Diagnostics.Cluster.Dispose"/>).</summary>
    internal void Leave(Cluster cluster, Exception? failure)
    {
        // dlb removes the cluster only if it is the innermost one. Here, leaving a cluster also leaves the clusters
        // nested in it that were not left (a programming error), so that later messages are not indented forever.
        // A cluster of another flow (not on this flow's chain) leaves this flow's nesting unchanged.
        for (var c = _innermostCluster.Value; c is not null; c = c.Parent)
        {
            if (c == cluster)
            {
                _innermostCluster.Value = cluster.Parent;
                break;
            }
        }

        if (!cluster.IsProgress)
            return;

        var result = failure is null
            ? LevelIndicator((Level)Math.Min((int)cluster.Level, (int)Level.Info)) + " done."
            : LevelIndicator((Level)Math.Max((int)cluster.Level, (int)Level.Error)) + " failed with " +
              QualifiedName(failure.GetType()) + ".";

        lock (_writeLock)
        {
            if (!cluster.DidInformTitle)
                return;
            var suffix = cluster.EnterTimestamp is null ? "" : TimeSuffix(_timeProvider.GetTimestamp());
            Emit(Indentation(cluster.Nesting + 1) + result + suffix + "\n");
        }
    }

    internal static Level CheckLevel(Level level, string parameterName = "level")
    {
        if ((int)level <= 0)
            throw new ArgumentOutOfRangeException(parameterName, "'level' must be positive");
        return level;
    }

    // Appends the titles of `innermost` and its enclosing clusters that were not output yet, outermost first.
    // Caller holds _writeLock.
    private void AppendPendingTitles(StringBuilder text, Cluster innermost)
    {
        // A cluster's title is output only after the titles of all its enclosing clusters, so the pending ones are
        // the innermost few.
        var pending = new Stack<Cluster>();
        for (var c = innermost; c is not null && !c.DidInformTitle; c = c.Parent)
            pending.Push(c);

        foreach (var cluster in pending)
        {
            var suffix = cluster.IsProgress ? "..." : "";
            if (cluster.EnterTimestamp is { } timestamp)
                suffix += TimeSuffix(timestamp);
            AppendMessage(text, cluster.Nesting, LevelIndicator(cluster.Level), cluster.TitleLines, suffix);
            cluster.DidInformTitle = true;
        }
    }

    private static void AppendMessage(StringBuilder text, int nesting, char indicator, List<string> lines, string suffix)
    {
        var indentation = Indentation(nesting);
        text.Append(indentation).Append(indicator).Append(' ').Append(lines[0]).Append(suffix);
        for (var i = 1; i < lines.Count; i++)
            text.Append(" \n").Append(indentation).Append("  ").Append(lines[i]);
        text.Append('\n');
    }

    private static string Indentation(int nesting) => new(' ', 2 * nesting);

    // " [+<seconds>s]" for `timestamp` relative to the first one asked for. Caller holds _writeLock.
    private string TimeSuffix(long timestamp)
    {
        _firstTimestamp ??= timestamp;
        var elapsed = Math.Max(0, timestamp - _firstTimestamp.Value);
        var nanoseconds = (long)((Int128)elapsed * NanosecondsPerSecond / _timeProvider.TimestampFrequency);
        return " [+" + FormatTime(nanoseconds) + "s]";
    }

    // Counterpart of Python's __qualname__: nested types as Outer.Inner, without generic arity.
    private static string QualifiedName(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
            name = name[..tick];
        return type.DeclaringType is null ? name : QualifiedName(type.DeclaringType) + "." + name;
    }
}
