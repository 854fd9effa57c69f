using Kiln.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Kiln.Tests.Diagnostics;

/// <summary>
/// Clusters: nesting, lazy titles, progress results, times, and nesting per asynchronous flow; ported from dlb's
/// <c>test/dlb/0/test_di.py</c> (ClusterTest, InformTest, UsageExampleTest) plus the concurrency Kiln adds.
/// </summary>
public sealed class ClusterTests
{
    private readonly StringWriter _output = new();

    private DiagnosticLog NewLog(Level threshold = Level.Info, TimeProvider? time = null) =>
        new(_output, time) { Threshold = threshold };

    [Fact]
    public void The_title_is_output_when_the_cluster_is_entered()
    {
        var log = NewLog();

        using (log.Cluster("A\n  a"))
            Assert.Equal("I A \n  | a\n", _output.ToString());

        Assert.Equal("I A \n  | a\n", _output.ToString());
    }

    [Fact]
    public void Clusters_nest_by_two_spaces()
    {
        var log = NewLog();

        using (log.Cluster("A"))
        {
            using (log.Cluster("B"))
            {
                using (log.Cluster("C"))
                {
                }
            }

            using (log.Cluster("D"))
            {
            }
        }

        Assert.Equal("I A\n  I B\n    I C\n  I D\n", _output.ToString());
    }

    [Fact]
    public void Messages_in_a_cluster_are_indented()
    {
        var log = NewLog();
        using (log.Cluster("A"))
        {
            Assert.True(log.Inform("M\n  m"));
            Assert.Equal("I A\n  I M \n    | m\n", _output.ToString());
        }

        log.Inform("after");
        Assert.Equal("I A\n  I M \n    | m\nI after\n", _output.ToString());
    }

    [Fact]
    public void Suppressed_titles_are_output_before_the_first_nested_message_that_is_output()
    {
        var log = NewLog(Level.Warning);

        using (log.Cluster("A"))
        {
            using (log.Cluster("B"))
            {
                Assert.Equal("", _output.ToString());
                Assert.True(log.Inform("M\n  m", Level.Warning));
                Assert.Equal("I A\n  I B\n    W M \n      | m\n", _output.ToString());
            }
        }
    }

    [Fact]
    public void The_threshold_is_observed_for_nested_clusters()
    {
        var log = NewLog(Level.Warning);

        using (log.Cluster("A", Level.Error))
        {
            Assert.Equal("E A\n", _output.ToString());

            using (log.Cluster("B"))
            {
                Assert.Equal("E A\n", _output.ToString());

                using (log.Cluster("C", Level.Warning))
                    Assert.Equal("E A\n  I B\n    W C\n", _output.ToString());
            }

            using (log.Cluster("D"))
                Assert.Equal("E A\n  I B\n    W C\n", _output.ToString());
        }

        Assert.Equal("E A\n  I B\n    W C\n", _output.ToString());
    }

    [Fact]
    public void A_suppressed_progress_cluster_outputs_nothing_when_left()
    {
        var log = NewLog(Level.Warning);

        using (log.Cluster("A", isProgress: true))
            Assert.Equal("", _output.ToString());

        using (var cluster = log.Cluster("A", isProgress: true))
            cluster.MarkFailed(new InvalidOperationException());

        Assert.Equal("", _output.ToString());
    }

    [Theory]
    [InlineData(Level.Debug, "D A...\n  D done.\n")]
    [InlineData(Level.Critical, "C A...\n  I done.\n")]
    public void A_successful_progress_cluster_reports_done_at_most_at_info_level(Level level, string expected)
    {
        var log = NewLog(Level.Debug);

        using (log.Cluster("A", level, isProgress: true))
            Assert.Equal(expected.Split('\n')[0] + "\n", _output.ToString());

        Assert.Equal(expected, _output.ToString());
    }

    [Theory]
    [InlineData(Level.Debug, "D A...\n  E failed with InvalidOperationException.\n")]
    [InlineData(Level.Critical, "C A...\n  C failed with InvalidOperationException.\n")]
    public void A_failed_progress_cluster_reports_the_exception_type_at_least_at_error_level(Level level, string expected)
    {
        var log = NewLog(Level.Debug);

        void Work()
        {
            using var cluster = log.Cluster("A", level, isProgress: true);
            try
            {
                throw new InvalidOperationException("boom");
            }
            catch (Exception e)
            {
                cluster.MarkFailed(e);
                throw;
            }
        }

        Assert.Throws<InvalidOperationException>(Work);

        Assert.Equal(expected, _output.ToString());
    }

    [Fact]
    public void The_exception_type_is_shown_with_its_declaring_types_and_without_generic_arity()
    {
        var log = NewLog();

        using (var cluster = log.Cluster("A", isProgress: true))
            cluster.MarkFailed(new NestedException<int>());

        Assert.Equal("I A...\n  E failed with ClusterTests.NestedException.\n", _output.ToString());
    }

    [Fact]
    public void A_progress_cluster_whose_title_was_output_lazily_reports_done_even_below_the_threshold()
    {
        var log = NewLog();

        using (log.Cluster("A", Level.Debug, isProgress: true))
            log.Inform("x");

        Assert.Equal("D A...\n  I x\n  D done.\n", _output.ToString());
    }

    [Fact]
    public void A_cluster_that_is_not_a_progress_cluster_reports_nothing_when_left()
    {
        var log = NewLog();

        using (var cluster = log.Cluster("A"))
            cluster.MarkFailed(new InvalidOperationException());

        Assert.Equal("I A\n", _output.ToString());
    }

    [Fact]
    public void A_lazily_output_title_shows_the_time_of_entry()
    {
        var time = new FakeTimeProvider();
        var log = NewLog(Level.Warning, time);

        using (log.Cluster("A", withTime: true))
        {
            Assert.Equal("", _output.ToString());
            time.Advance(TimeSpan.FromMilliseconds(100));

            using (log.Cluster("B"))
            {
                Assert.Equal("", _output.ToString());
                using (log.Cluster("C", Level.Warning))
                    Assert.Equal("I A [+0.000000s]\n  I B\n    W C\n", _output.ToString());
            }
        }
    }

    [Fact]
    public void A_timed_progress_cluster_shows_the_time_on_the_title_and_on_the_result()
    {
        var time = new FakeTimeProvider();
        var log = NewLog(time: time);

        using (log.Cluster("A\n  a", withTime: true, isProgress: true))
        {
            Assert.Equal("I A... [+0.000000s] \n  | a\n", _output.ToString());
            time.Advance(TimeSpan.FromMilliseconds(1500));
        }

        Assert.Equal("I A... [+0.000000s] \n  | a\n  I done. [+1.500000s]\n", _output.ToString());
    }

    [Fact]
    public void A_progress_cluster_with_nested_messages_matches_dlbs_usage_example()
    {
        // dlb's UsageExampleTest.test_example2
        var log = NewLog();

        using (log.Cluster("analyze memory usage\n  see 'out/linker.log' for details", isProgress: true))
        {
            log.Inform("\n    in use:\n      RAM:\t 12\b kB\n      ROM (NOR flash):\t 108\b kB\n      eMMC:\t 512\b kB\n    ");
            log.Inform("more than 80% of ROM used", Level.Warning);
        }

        Assert.Equal(
            "I analyze memory usage... \n" +
            "  | see 'out/linker.log' for details\n" +
            "  I in use: \n" +
            "    | RAM:              12 kB \n" +
            "    | ROM (NOR flash): 108 kB \n" +
            "    | eMMC:            512 kB\n" +
            "  W more than 80% of ROM used\n" +
            "  I done.\n",
            _output.ToString());
    }

    [Fact]
    public void A_suppressed_title_keeps_its_own_level_indicator()
    {
        // dlb's UsageExampleTest.test_example1
        var log = NewLog();

        using (log.Cluster("title", Level.Debug))
            log.Inform("\n    summary\n      first\t  1\t\n      second\t 200\t\n    ");

        Assert.Equal("D title\n  I summary \n    | first   1 \n    | second 200\n", _output.ToString());
    }

    [Fact]
    public void An_invalid_title_is_rejected_and_no_cluster_is_entered()
    {
        var log = NewLog();

        Assert.Throws<ArgumentException>(() => log.Cluster("start..."));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Cluster("A", (Level)0));
        log.Inform("M");

        Assert.Equal("I M\n", _output.ToString());
    }

    [Fact]
    public void Disposing_a_cluster_twice_leaves_it_once()
    {
        var log = NewLog();

        using (log.Cluster("A"))
        {
            var inner = log.Cluster("B", isProgress: true);
            inner.Dispose();
            inner.Dispose();
            log.Inform("M");
        }

        Assert.Equal("I A\n  I B...\n    I done.\n  I M\n", _output.ToString());
    }

    [Fact]
    public void Leaving_a_cluster_also_leaves_the_clusters_nested_in_it_that_were_not_left()
    {
        var log = NewLog();

        var outer = log.Cluster("A");
        _ = log.Cluster("B");
        outer.Dispose();
        log.Inform("M");

        Assert.Equal("I A\n  I B\nI M\n", _output.ToString());
    }

    [Fact]
    public async Task Concurrent_flows_each_nest_in_their_own_clusters()
    {
        var log = NewLog();
        var aEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancellation = TestContext.Current.CancellationToken;

        using (log.Cluster("run"))
        {
            var a = Task.Run(async () =>
            {
                using (log.Cluster("A"))
                {
                    aEntered.SetResult();
                    await bDone.Task.WaitAsync(cancellation);
                    log.Inform("a1");
                    using (log.Cluster("A2"))
                        log.Inform("a2");
                }
            }, cancellation);
            var b = Task.Run(async () =>
            {
                await aEntered.Task.WaitAsync(cancellation);
                using (log.Cluster("B"))
                    log.Inform("b1");
                bDone.SetResult();
            }, cancellation);
            await Task.WhenAll(a, b);
            log.Inform("joined");
        }

        log.Inform("end");

        Assert.Equal(
            "I run\n" +
            "  I A\n" +
            "  I B\n" +
            "    I b1\n" +
            "    I a1\n" +
            "    I A2\n" +
            "      I a2\n" +
            "  I joined\n" +
            "I end\n",
            _output.ToString());
    }

    [Fact]
    public async Task A_suppressed_title_shared_by_concurrent_flows_is_output_once()
    {
        var log = NewLog();
        var cancellation = TestContext.Current.CancellationToken;

        using (log.Cluster("shared", Level.Debug))
        {
            var first = Task.Run(() => log.Inform("x"), cancellation);
            await first;
            var second = Task.Run(() => log.Inform("y"), cancellation);
            await second;
        }

        Assert.Equal("D shared\n  I x\n  I y\n", _output.ToString());
    }

    private sealed class NestedException<T> : Exception
    {
    }
}
