namespace Kiln.Jit.Mpi.Tests;

public sealed class RankFailureTests
{
    private static readonly Exception Cause = new InvalidOperationException("collective failure");

    private static JitException RoundTrip(Exception e) =>
        RankFailure.Decode(RankFailure.From(e).Encode()).ToException("sig", 3, "world", Cause);

    [Fact]
    public void A_compile_error_travels_with_every_field_even_when_wrapped()
    {
        var original = new JitCompileException("sig", "gcc -shared a.c", "a.c:1: error: x", "/cache/failures/jitfailure-sig", fromFailureRecord: true, exitCode: 1);

        var e = Assert.IsType<JitCompileException>(RoundTrip(new JitException("wrapped", original)));

        Assert.Equal(("sig", "gcc -shared a.c", "a.c:1: error: x", "/cache/failures/jitfailure-sig", true, (int?)1),
            (e.Signature, e.Command, e.OutputTail, e.FailureDirectory, e.FromFailureRecord, e.ExitCode));
        Assert.Equal(original.Message, e.Message);
    }

    [Fact]
    public void An_interrupted_compile_travels_with_its_reason_signal_attempts_and_output_tail()
    {
        var original = new JitBuildInterruptedException("sig", "gcc", "killed by signal 9 (SIGKILL)", 9, 2, "tail");

        var e = Assert.IsType<JitBuildInterruptedException>(RoundTrip(original));

        Assert.Equal(("sig", "gcc", "killed by signal 9 (SIGKILL)", (int?)9, 2, "tail"), (e.Signature, e.Command, e.Reason, e.Signal, e.Attempts, e.OutputTail));
    }

    [Theory]
    [InlineData(typeof(JitRequestException), typeof(JitRequestException))]
    [InlineData(typeof(InvalidOperationException), typeof(JitRequestException))]
    [InlineData(typeof(JitCacheException), typeof(JitCacheException))]
    [InlineData(typeof(JitLockTimeoutException), typeof(JitLockTimeoutException))]
    public void Each_kind_becomes_its_exception_type_with_the_message_and_the_collective_cause(Type thrown, Type raised)
    {
        var e = RoundTrip((Exception)Activator.CreateInstance(thrown, "what failed; do this")!);

        Assert.IsType(raised, e);
        Assert.Equal("what failed; do this", e.Message);
        Assert.Same(Cause, e.InnerException);
    }

    [Fact]
    public void Another_failure_names_the_rank_the_communicator_and_its_type()
    {
        var e = RoundTrip(new JitException("the library does not load"));

        Assert.IsType<JitException>(e);
        Assert.Equal("distributed JIT of 'sig' failed on rank 3 of 'world': Kiln.Jit.JitException: the library does not load", e.Message);
    }

    [Fact]
    public void Bytes_of_another_format_are_one_clear_error()
    {
        var e = Assert.Throws<JitException>(() => RankFailure.Decode([1, 2, 3]));

        Assert.Contains("same Kiln version on every rank", e.Message, StringComparison.Ordinal);
    }
}
