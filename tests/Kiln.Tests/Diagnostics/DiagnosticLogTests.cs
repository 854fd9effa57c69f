using System.Text;
using System.Text.RegularExpressions;
using Kiln.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Kiln.Tests.Diagnostics;

/// <summary>
/// Levels, threshold, output and <see cref="DiagnosticLog.Inform"/>; ported from dlb's <c>test/dlb/0/test_di.py</c>
/// (GetLevelMarkerTest, MessageThresholdTest, SetOutputFileTest, InformTest, UsageExampleTest).
/// </summary>
public sealed class DiagnosticLogTests
{
    [Fact]
    public void Standard_levels_have_their_own_indicator()
    {
        Assert.Equal('D', DiagnosticLog.LevelIndicator(Level.Debug));
        Assert.Equal('I', DiagnosticLog.LevelIndicator(Level.Info));
        Assert.Equal('W', DiagnosticLog.LevelIndicator(Level.Warning));
        Assert.Equal('E', DiagnosticLog.LevelIndicator(Level.Error));
        Assert.Equal('C', DiagnosticLog.LevelIndicator(Level.Critical));
    }

    [Fact]
    public void A_level_between_standard_levels_has_the_indicator_of_the_next_smaller_one()
    {
        Assert.Equal('I', DiagnosticLog.LevelIndicator(Level.Info + 1));
        Assert.Equal('I', DiagnosticLog.LevelIndicator(Level.Warning - 1));
        Assert.Equal('D', DiagnosticLog.LevelIndicator(Level.Debug + 3));
        Assert.Equal('C', DiagnosticLog.LevelIndicator(Level.Critical + 123));
    }

    [Fact]
    public void A_positive_level_below_debug_has_the_debug_indicator()
    {
        Assert.Equal('D', DiagnosticLog.LevelIndicator((Level)1));
        Assert.Equal('D', DiagnosticLog.LevelIndicator(Level.Debug - 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-123)]
    public void A_non_positive_level_is_rejected(int level)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DiagnosticLog.LevelIndicator((Level)level));
        Assert.Equal("level", e.ParamName);
        Assert.StartsWith("'level' must be positive", e.Message, StringComparison.Ordinal);

        var log = new DiagnosticLog(new StringWriter());
        Assert.Throws<ArgumentOutOfRangeException>(() => log.IsUnsuppressed((Level)level));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Inform("x", (Level)level));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Threshold = (Level)level);
    }

    [Fact]
    public void The_threshold_is_the_lowest_unsuppressed_level()
    {
        var log = new DiagnosticLog(new StringWriter());
        Assert.Equal(Level.Info, log.Threshold);

        log.Threshold = Level.Warning + 1;
        Assert.True(log.IsUnsuppressed(Level.Warning + 1));
        Assert.False(log.IsUnsuppressed(Level.Warning));

        log.Threshold = Level.Critical + 100;
        Assert.True(log.IsUnsuppressed(Level.Critical + 100));
        Assert.False(log.IsUnsuppressed(Level.Critical + 99));
    }

    [Theory]
    [InlineData(null, 20)]
    [InlineData("", 20)]
    [InlineData("1", 1)]
    [InlineData("no", 1)]
    public void The_default_threshold_is_info_unless_KILN_VERBOSE_is_not_empty(string? kilnVerbose, int expected)
    {
        Assert.Equal((Level)expected, DiagnosticLog.DefaultThreshold(kilnVerbose));
    }

    [Fact]
    public void The_default_log_has_the_threshold_given_by_KILN_VERBOSE()
    {
        Assert.Equal(DiagnosticLog.DefaultThreshold(Environment.GetEnvironmentVariable("KILN_VERBOSE")), DiagnosticLog.Default.Threshold);
    }

    [Fact]
    public void Setting_the_output_returns_the_previous_one_and_redirects_later_messages()
    {
        var first = new StringWriter();
        var second = new StringWriter();
        var log = new DiagnosticLog(first);

        Assert.Same(first, log.SetOutput(second));
        Assert.Same(second, log.Output);
        log.Inform("hello");

        Assert.Equal("", first.ToString());
        Assert.Equal("I hello\n", second.ToString());
        Assert.Same(second, log.SetOutput(first));
    }

    [Fact]
    public void A_message_outside_of_clusters_is_not_indented()
    {
        var output = new StringWriter();
        var log = new DiagnosticLog(output);

        Assert.True(log.Inform("M\n  m"));

        Assert.Equal("I M \n  | m\n", output.ToString());
    }

    [Fact]
    public void A_message_below_the_threshold_is_suppressed()
    {
        var output = new StringWriter();
        var log = new DiagnosticLog(output);

        Assert.False(log.Inform("M\n  m", Level.Debug));

        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void An_invalid_message_is_rejected_even_when_suppressed()
    {
        var log = new DiagnosticLog(new StringWriter());
        Assert.Throws<ArgumentException>(() => log.Inform("done.", Level.Debug));
    }

    [Fact]
    public void Data_items_become_continuation_lines()
    {
        // dlb's UsageExampleTest.test_example5
        var output = new StringWriter();
        var log = new DiagnosticLog(output);

        log.Inform("missing:", Level.Error, false, "Path('src/')", "Path('build/out/src/generated/')");

        Assert.Equal("E missing: \n  | Path('src/') \n  | Path('build/out/src/generated/')\n", output.ToString());
    }

    [Fact]
    public void The_time_suffix_goes_to_the_end_of_the_summary_line()
    {
        // dlb's UsageExampleTest.test_example6
        var output = new StringWriter();
        var log = new DiagnosticLog(output, new FakeTimeProvider());

        log.Inform("summary:", Level.Error, true, 1, "multi-\nline\u001Ftext", new Shown("[{2}, False, '?']"));

        Assert.Equal(
            "E summary: [+0.000000s] \n  | 1 \n  | multi- \n  | line text \n  | [{2}, False, '?']\n",
            output.ToString());
    }

    [Fact]
    public void Times_are_relative_to_the_first_message_with_time_and_rounded_toward_zero()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        var log = new DiagnosticLog(output, time);

        time.Advance(TimeSpan.FromSeconds(5)); // before the first timed message: does not count
        log.Inform("untimed");
        log.Inform("first", withTime: true);
        time.Advance(TimeSpan.FromTicks(12_345_678)); // 1.2345678 s
        log.Inform("second", withTime: true);
        time.Advance(TimeSpan.FromTicks(9)); // 0.9 µs
        log.Inform("third\n  x", withTime: true);

        Assert.Equal(
            "I untimed\nI first [+0.000000s]\nI second [+1.234567s]\nI third [+1.234568s] \n  | x\n",
            output.ToString());
    }

    [Fact]
    public void Each_log_has_its_own_time_origin()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        var early = new DiagnosticLog(output, time);
        var late = new DiagnosticLog(output, time);

        early.Inform("a", withTime: true);
        time.Advance(TimeSpan.FromSeconds(2));
        late.Inform("b", withTime: true);
        early.Inform("c", withTime: true);

        Assert.Equal("I a [+0.000000s]\nI b [+0.000000s]\nI c [+2.000000s]\n", output.ToString());
    }

    [Theory]
    [InlineData(0L, "0.000000")]
    [InlineData(999L, "0.000000")]
    [InlineData(1_000L, "0.000001")]
    [InlineData(1_234_567_890L, "1.234567")]
    [InlineData(123_000_000_000L, "123.000000")]
    [InlineData(-1L, "-0.000000")]
    [InlineData(-1_234_567_890L, "-1.234567")]
    [InlineData(long.MaxValue, "9223372036.854775")]
    [InlineData(long.MinValue, "-9223372036.854775")]
    public void Times_are_formatted_as_seconds_with_six_decimal_places(long nanoseconds, string expected)
    {
        Assert.Equal(expected, DiagnosticLog.FormatTime(nanoseconds));
    }

    [Fact]
    public async Task Concurrent_messages_are_written_whole_and_never_interleave()
    {
        var output = new SlowWriter();
        var log = new DiagnosticLog(output);
        const int flowCount = 4;
        const int messageCount = 40;

        var flows = Enumerable.Range(0, flowCount).Select(k => Task.Run(() =>
        {
            for (var j = 0; j < messageCount; j++)
                log.Inform($"flow {k} message {j}\n  first line of {k}/{j}", Level.Info, false, $"second line of {k}/{j}");
        }, TestContext.Current.CancellationToken));
        await Task.WhenAll(flows);

        Assert.Equal(1, output.MaxConcurrentWrites);
        var lines = output.ToString().Split('\n');
        Assert.Equal(flowCount * messageCount * 3 + 1, lines.Length);
        Assert.Equal("", lines[^1]);
        var seen = new HashSet<string>();
        for (var i = 0; i + 1 < lines.Length; i += 3)
        {
            var m = Regex.Match(lines[i], @"^I flow (\d+) message (\d+) $");
            Assert.True(m.Success, lines[i]);
            var id = m.Groups[1].Value + "/" + m.Groups[2].Value;
            Assert.Equal($"  | first line of {id} ", lines[i + 1]);
            Assert.Equal($"  | second line of {id}", lines[i + 2]);
            Assert.True(seen.Add(id));
        }
    }

    private sealed class Shown(string text)
    {
        public override string ToString() => text;
    }

    /// <summary>
    /// Writes one character at a time and yields the thread in between, so that unsynchronized writers would
    /// interleave; counts how many writes overlap.
    /// </summary>
    private sealed class SlowWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _textLock = new();
        private int _activeWrites;
        private int _maxConcurrentWrites;

        public int MaxConcurrentWrites => Volatile.Read(ref _maxConcurrentWrites);

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_textLock)
                _text.Append(value);
            Thread.Yield();
        }

        public override void Write(string? value)
        {
            var active = Interlocked.Increment(ref _activeWrites);
            InterlockedMax(ref _maxConcurrentWrites, active);
            foreach (var c in value ?? "")
                Write(c);
            Interlocked.Decrement(ref _activeWrites);
        }

        public override string ToString()
        {
            lock (_textLock)
                return _text.ToString();
        }

        private static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current)
            {
                var previous = Interlocked.CompareExchange(ref target, value, current);
                if (previous == current)
                    return;
                current = previous;
            }
        }
    }
}
