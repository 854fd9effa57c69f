namespace Kiln.Toolchain.Tests;

public sealed class CompileCommandTests
{
    [Fact]
    public void The_command_line_quotes_only_words_that_need_it()
    {
        var command = new CompileCommand("/w", ["/usr/bin/gcc", "-DMSG=\"hi there\"", "-c", "src/a b.c", "it's"], "src/a b.c", "a.o");
        Assert.Equal("/usr/bin/gcc '-DMSG=\"hi there\"' -c 'src/a b.c' 'it'\\''s'", command.CommandLine);
    }

    [Fact]
    public void An_empty_word_is_quoted()
    {
        Assert.Equal("''", CompileCommand.QuoteForShell(""));
    }
}
