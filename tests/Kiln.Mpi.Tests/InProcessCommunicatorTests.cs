using System.Text;

namespace Kiln.Mpi.Tests;

public sealed class InProcessCommunicatorTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private static IReadOnlyList<T> Run<T>(int size, Func<ICommunicator, T> body) =>
        InProcessCommunicator.Run(InProcessCommunicator.Create(size), body);

    [Fact]
    public void Every_rank_knows_its_rank_and_the_size()
    {
        var seen = Run(4, c => (c.Rank, c.Size));
        Assert.Equal([(0, 4), (1, 4), (2, 4), (3, 4)], seen);
    }

    [Fact]
    public void Broadcast_gives_every_rank_the_roots_bytes()
    {
        var got = Run(4, c => Encoding.UTF8.GetString(c.Broadcast(c.Rank == 2 ? Encoding.UTF8.GetBytes("from two") : null, root: 2)));
        Assert.All(got, s => Assert.Equal("from two", s));
    }

    [Fact]
    public void Broadcast_of_no_bytes_gives_empty_arrays()
    {
        var got = Run(3, c => c.Broadcast(c.Rank == 0 ? [] : null, 0));
        Assert.All(got, b => Assert.Empty(b));
    }

    [Fact]
    public void Broadcast_hands_each_receiver_its_own_copy()
    {
        var got = Run(3, c =>
        {
            var bytes = c.Broadcast(c.Rank == 0 ? [1, 2, 3] : null, 0);
            if (c.Rank == 1)
                bytes[0] = 99;
            c.Barrier();
            return bytes[0];
        });
        Assert.Equal([1, 99, 1], got);
    }

    [Theory]
    [InlineData(ReduceOperation.Min, 1)]
    [InlineData(ReduceOperation.Max, 4)]
    [InlineData(ReduceOperation.Sum, 10)]
    public void AllReduce_of_ints_combines_every_ranks_value(ReduceOperation operation, int expected)
    {
        var got = Run(4, c => c.AllReduce(c.Rank + 1, operation));
        Assert.All(got, v => Assert.Equal(expected, v));
    }

    [Fact]
    public void AllReduce_of_longs_keeps_64_bits()
    {
        var got = Run(3, c => c.AllReduce(1L << 40, ReduceOperation.Sum));
        Assert.All(got, v => Assert.Equal(3L << 40, v));
    }

    [Fact]
    public void AllReduce_sum_of_ints_wraps_like_MPI()
    {
        var got = Run(2, c => c.AllReduce(int.MaxValue, ReduceOperation.Sum));
        Assert.All(got, v => Assert.Equal(-2, v));
    }

    [Fact]
    public void Split_groups_ranks_by_color_and_orders_them_by_key()
    {
        var got = Run(5, c =>
        {
            using var part = c.Split(c.Rank % 2, key: -c.Rank)!;
            return (part.Size, part.Rank, Sum: part.AllReduce(c.Rank, ReduceOperation.Sum));
        });
        Assert.Equal([(3, 2, 6), (2, 1, 4), (3, 1, 6), (2, 0, 4), (3, 0, 6)], got);
    }

    [Fact]
    public void Split_with_a_negative_color_leaves_the_rank_out()
    {
        var got = Run(3, c => c.Split(c.Rank == 1 ? -1 : 0, 0)?.Size);
        Assert.Equal([2, null, 2], got);
    }

    [Fact]
    public void SplitShared_groups_ranks_by_simulated_node()
    {
        var world = InProcessCommunicator.Create(6, r => r / 3);
        var got = InProcessCommunicator.Run(world, c =>
        {
            using var node = c.SplitShared();
            return (node.Size, node.Rank, Lowest: node.AllReduce(c.Rank, ReduceOperation.Min));
        });
        Assert.Equal([(3, 0, 0), (3, 1, 0), (3, 2, 0), (3, 0, 3), (3, 1, 3), (3, 2, 3)], got);
    }

    [Fact]
    public void A_duplicate_has_the_same_ranks_and_its_own_messages()
    {
        var got = Run(2, c =>
        {
            using var dup = c.Duplicate();
            if (c.Rank == 0)
            {
                c.Send([1], 1, tag: 5);
                dup.Send([2], 1, tag: 5);
                return (dup.Rank, 0);
            }
            var fromDuplicate = dup.Receive(0, 5)[0];
            return (dup.Rank, fromDuplicate * 10 + c.Receive(0, 5)[0]);
        });
        Assert.Equal([(0, 0), (1, 21)], got);
    }

    [Fact]
    public void Messages_with_one_tag_arrive_in_the_order_they_were_sent()
    {
        var got = Run(2, c =>
        {
            if (c.Rank == 0)
            {
                for (byte i = 0; i < 5; i++)
                    c.Send([i], 1, tag: 1);
                return "";
            }
            return string.Concat(Enumerable.Range(0, 5).Select(_ => c.Receive(0, 1)[0]));
        });
        Assert.Equal("01234", got[1]);
    }

    [Fact]
    public void Receive_matches_the_tag_not_the_arrival_order()
    {
        var got = Run(2, c =>
        {
            if (c.Rank == 0)
            {
                c.Send([1], 1, tag: 1);
                c.Send([2], 1, tag: 2);
                return 0;
            }
            return c.Receive(0, 2)[0] * 10 + c.Receive(0, 1)[0];
        });
        Assert.Equal(21, got[1]);
    }

    [Fact]
    public void A_rank_that_never_joins_a_broadcast_makes_the_others_time_out_with_a_message_that_names_it()
    {
        var world = InProcessCommunicator.Create(3, Short);
        var error = Assert.Throws<AggregateException>(() => InProcessCommunicator.Run(world, c =>
        {
            if (c.Rank != 2)
                c.Broadcast(c.Rank == 0 ? [1] : null, 0);
            return 0;
        }));
        var timeouts = error.InnerExceptions.Cast<MpiTimeoutException>().OrderBy(e => e.Rank).ToList();
        Assert.Equal([0, 1], timeouts.Select(e => e.Rank));
        Assert.All(timeouts, e => Assert.Equal("Broadcast", e.Operation));
        Assert.Contains("MPI Broadcast timed out after 0.3 s on rank 1 of 3 of communicator 'world': waited for the bytes from root rank 0", timeouts[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_receive_from_a_silent_rank_times_out_naming_the_source_and_tag()
    {
        var error = Assert.Throws<AggregateException>(() => Run(2, c => c.Rank == 1 ? c.Receive(0, 9, Short) : []));
        var timeout = Assert.IsType<MpiTimeoutException>(Assert.Single(error.InnerExceptions));
        Assert.Equal("Receive", timeout.Operation);
        Assert.Contains("waited for a message with tag 9 from rank 0", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_communicator_that_timed_out_refuses_later_operations()
    {
        var world = InProcessCommunicator.Create(2, Short);
        var got = InProcessCommunicator.Run(world, c =>
        {
            if (c.Rank == 1)
                return "";
            Assert.Throws<MpiTimeoutException>(() => c.Barrier());
            return Assert.Throws<MpiException>(() => c.AllReduce(1, ReduceOperation.Sum)).Message;
        });
        Assert.StartsWith("communicator 'world' is unusable on rank 0: MPI Barrier timed out", got[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Ranks_that_call_different_collectives_fail_instead_of_mixing_them()
    {
        var error = Assert.Throws<AggregateException>(() => Run(2, c =>
        {
            if (c.Rank == 0)
                c.Barrier(Short);
            else
                c.AllReduce(1, ReduceOperation.Sum, Short);
            return 0;
        }));
        Assert.Contains(error.InnerExceptions, e => e.Message.Contains("collective mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void Arguments_out_of_range_are_rejected_before_anything_is_sent()
    {
        var world = InProcessCommunicator.Create(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => world[0].Send([1], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => world[0].Send([1], 1, 40000));
        Assert.Throws<ArgumentOutOfRangeException>(() => world[0].Broadcast([1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => world[0].Barrier(TimeSpan.FromSeconds(-2)));
    }
}
