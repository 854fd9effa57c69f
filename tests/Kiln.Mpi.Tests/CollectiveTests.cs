using System.Text;

namespace Kiln.Mpi.Tests;

public sealed class CollectiveTests
{
    private static IReadOnlyList<T> Run<T>(int size, Func<ICommunicator, T> body) =>
        InProcessCommunicator.Run(InProcessCommunicator.Create(size), body);

    [Fact]
    public void AllTrue_is_true_everywhere_only_when_every_rank_votes_true()
    {
        Assert.All(Run(3, c => c.AllTrue(true)), Assert.True);
        Assert.All(Run(3, c => c.AllTrue(c.Rank != 1)), Assert.False);
    }

    [Fact]
    public void AnyTrue_is_true_everywhere_when_one_rank_votes_true()
    {
        Assert.All(Run(3, c => c.AnyTrue(c.Rank == 2)), Assert.True);
        Assert.All(Run(3, c => c.AnyTrue(false)), Assert.False);
    }

    [Fact]
    public void AllSame_detects_a_rank_with_a_different_value()
    {
        Assert.All(Run(3, c => c.AllSame(42)), Assert.True);
        Assert.All(Run(3, c => c.AllSame(c.Rank == 1 ? 43 : 42)), Assert.False);
    }

    [Fact]
    public void RunOnRoot_runs_the_action_once_and_every_rank_returns_its_bytes()
    {
        var runs = 0;
        var got = Run(4, c => Encoding.UTF8.GetString(c.RunOnRoot(1, () =>
        {
            Interlocked.Increment(ref runs);
            return Encoding.UTF8.GetBytes("built");
        })));
        Assert.Equal(1, runs);
        Assert.All(got, s => Assert.Equal("built", s));
    }

    [Fact]
    public void RunOnRoot_makes_every_rank_throw_the_same_error_when_the_roots_action_fails()
    {
        var error = Assert.Throws<AggregateException>(() => Run(3, c => c.RunOnRoot(0, () => throw new InvalidOperationException("g++: error: x.cpp:1: expected ';'"))));
        var failures = error.InnerExceptions.Cast<RootFailedException>().ToList();
        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.Equal(
            "the work of rank 0 of communicator 'world' failed: System.InvalidOperationException: g++: error: x.cpp:1: expected ';'", f.Message));
        Assert.All(failures, f => Assert.Equal("System.InvalidOperationException", f.ErrorType));
        Assert.Single(failures, f => f.InnerException is InvalidOperationException);
    }

    [Fact]
    public void The_failure_of_a_roots_action_is_an_MpiException_so_one_catch_covers_every_MPI_failure()
    {
        var error = Assert.Throws<AggregateException>(() => Run(2, c => c.RunOnRoot(1, () => throw new InvalidOperationException("no"))));

        Assert.All(error.InnerExceptions, e => Assert.IsAssignableFrom<MpiException>(e));
    }

    [Fact]
    public void RunOnRoot_with_a_codec_returns_the_decoded_result_everywhere()
    {
        var got = Run(2, c => c.RunOnRoot(0, () => 41, v => BitConverter.GetBytes(v + 1), b => BitConverter.ToInt32(b)));
        Assert.Equal([42, 42], got);
    }

    [Fact]
    public void RunOnRoot_treats_a_failing_encoder_as_a_failure_of_the_action()
    {
        var error = Assert.Throws<AggregateException>(() => Run(2, c =>
            c.RunOnRoot<int>(0, () => 1, _ => throw new FormatException("cannot encode"), _ => 0)));
        Assert.All(error.InnerExceptions, e => Assert.Contains("System.FormatException: cannot encode", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_relayed_failure_keeps_the_rank_and_communicator_where_it_happened()
    {
        var world = InProcessCommunicator.Create(4);
        var error = Assert.Throws<AggregateException>(() => InProcessCommunicator.Run(world, c =>
        {
            using var pair = c.Split(c.Rank / 2, c.Rank)!;
            // Rank 1 of each pair fails first; rank 0 of the pair relays that failure to its pair via RunOnRoot.
            Exception? first = null;
            try
            {
                pair.RunOnRoot(1, () => throw new InvalidOperationException("first failure"));
            }
            catch (RootFailedException e)
            {
                first = e;
            }
            return pair.RunOnRoot(0, () => throw first!);
        }));
        Assert.Equal(4, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e => Assert.StartsWith(
            "the work of rank 1 of communicator 'world/split(", e.Message, StringComparison.Ordinal));
        Assert.All(error.InnerExceptions, e => Assert.EndsWith(
            ")' failed: System.InvalidOperationException: first failure", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Others_time_out_when_the_root_never_finishes_its_action()
    {
        using var release = new ManualResetEventSlim();
        var world = InProcessCommunicator.Create(3, TimeSpan.FromMilliseconds(200));
        var error = Assert.Throws<AggregateException>(() => InProcessCommunicator.Run(world, c =>
        {
            try
            {
                return c.RunOnRoot(0, () =>
                {
                    release.Wait(TimeSpan.FromSeconds(30));
                    return [];
                });
            }
            finally
            {
                if (c.Rank != 0)
                    release.Set();
            }
        }));
        Assert.Contains(error.InnerExceptions, e => e is MpiTimeoutException { Operation: "Broadcast", Rank: 1 or 2 });
    }
}
