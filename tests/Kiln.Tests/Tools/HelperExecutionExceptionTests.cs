using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>The error of a helper with an unexpected exit code, in dlb's message shape.</summary>
public sealed class HelperExecutionExceptionTests
{
    [Fact]
    public void The_message_names_the_helper_the_exit_code_and_the_command()
    {
        var e = new HelperExecutionException("gcc", "/usr/bin/gcc -c ./a.c", 1);

        Assert.Equal("execution of 'gcc' returned unexpected exit code 1\n  | command: /usr/bin/gcc -c ./a.c", e.Message);
        Assert.Equal("gcc", e.Helper);
        Assert.Equal("/usr/bin/gcc -c ./a.c", e.CommandLine);
        Assert.Equal(1, e.ExitCode);
    }

    [Fact]
    public void The_tail_of_the_output_follows_as_continuation_lines()
    {
        var e = new HelperExecutionException("gcc", "gcc", 2, "a.c:1: error\nfatal\n\n");

        Assert.Equal("execution of 'gcc' returned unexpected exit code 2\n  | command: gcc\n  | a.c:1: error\n  | fatal", e.Message);
        Assert.DoesNotContain("\n  | \n", new HelperExecutionException("gcc", "gcc", 2, " \n").Message + "\n", StringComparison.Ordinal);
    }

    [Fact]
    public void A_helper_that_failed_for_a_full_disk_gets_the_remedy_line()
    {
        var full = new HelperExecutionException("gcc", "gcc -c a.c", 1, "/usr/bin/as: build/a.o: No space left on device").Message;
        Assert.EndsWith("\n  | /usr/bin/as: build/a.o: No space left on device\n  | the file system is full (or the quota is exhausted): free space on it and run again", full, StringComparison.Ordinal);
        Assert.DoesNotContain("free space", new HelperExecutionException("gcc", "gcc -c a.c", 1, "a.c:1: error: expected ';'").Message, StringComparison.Ordinal);
    }
}
