using Kiln.Diagnostics;

namespace Kiln.Tests.Diagnostics;

/// <summary>
/// The message grammar, through <see cref="DiagnosticLog.FormatMessage(string, Level)"/>; ported from dlb's
/// <c>test/dlb/0/test_di.py</c> (FormatMessageTest, FormatMessagedDataTest, UsageExampleTest).
/// </summary>
public sealed class MessageFormatTests
{
    private static string Info(string message) => DiagnosticLog.FormatMessage(message, Level.Info);

    private static void AssertRejected(string message, string expectedReason)
    {
        var e = Assert.Throws<ArgumentException>(() => Info(message));
        Assert.Equal("message", e.ParamName);
        Assert.Equal(expectedReason + " (Parameter 'message')", e.Message);
    }

    [Fact]
    public void A_single_line_is_stripped_and_prefixed_with_the_level_indicator()
    {
        Assert.Equal("I äüä schoo\U0001f609", Info(" äüä schoo\U0001f609   "));
        Assert.Equal("W just a moment!", DiagnosticLog.FormatMessage("\njust a moment! ", Level.Warning));
    }

    [Fact]
    public void An_empty_message_is_rejected()
    {
        AssertRejected("", "'message' must contain at least one non-empty line");
        AssertRejected(" \n\t\n", "'message' must contain at least one non-empty line");
    }

    [Fact]
    public void A_null_message_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => Info(null!));
    }

    [Fact]
    public void Control_characters_other_than_field_separators_are_rejected()
    {
        AssertRejected("abc\n    a\0", @"'message' must not contain ASCII control characters except '\t' and '\b', unlike '\x00' in line 2");
        AssertRejected("a\u0005b\u0001c", @"'message' must not contain ASCII control characters except '\t' and '\b', unlike '\x01' in line 1");
    }

    [Theory]
    [InlineData(" \babc", @"'\x08'")]
    [InlineData("'hehe'", "\"'\"")]
    [InlineData("|a", "'|'")]
    [InlineData(".a", "'.'")]
    [InlineData("]a", "']'")]
    public void A_summary_starting_with_a_reserved_character_is_rejected(string message, string character)
    {
        AssertRejected(message, $"first non-empty line in 'message' must not start with character {character}");
    }

    [Theory]
    [InlineData("abc\b ", @"'\x08'")]
    [InlineData("start...", "'.'")]
    [InlineData("done.", "'.'")]
    [InlineData("[x]", "']'")]
    public void A_summary_ending_with_a_reserved_character_is_rejected(string message, string character)
    {
        AssertRejected(message, $"first non-empty line in 'message' must not end with {character}");
    }

    [Fact]
    public void Empty_lines_before_and_after_are_removed_for_every_kind_of_line_break()
    {
        Assert.Equal("I a \n  | b", Info("   \n \n\n \na  \n  b\n\n   \n"));
        Assert.Equal("I a \n  | b", Info("   \r\n \r\n\r\n \r\na  \r\n  b\r\n\r\n   \r\n"));
        Assert.Equal("I a \n  | b", Info("   \r \r\r \ra  \r  b\r\r   \r"));
    }

    [Fact]
    public void A_run_of_empty_lines_between_becomes_one_bar_line()
    {
        var message = "\n    bla\n      a\n      b\n        \t\n               \n\n      c\n      d\n\n      e\n    ";
        Assert.Equal("I bla \n  | a \n  | b \n  | \n  | c \n  | d \n  | \n  | e", Info(message));
    }

    [Fact]
    public void The_indentation_of_the_first_line_is_removed_from_all_lines()
    {
        Assert.Equal("I bla \n  | a \n  | b", Info("\n        bla\n          a\n          b\n        "));
    }

    [Fact]
    public void Continuation_lines_less_indented_than_the_first_line_are_rejected()
    {
        const string reason =
            "each continuation line in 'message' must be indented at least 2 spaces more than the first non-empty line, unlike line 4";
        AssertRejected("\n    bla\n      x\n     y \n    ", reason);
        AssertRejected("\n    bla\n      x\n   y \n    ", reason);
    }

    [Fact]
    public void Continuation_lines_indented_by_a_different_white_space_than_the_first_line_are_rejected()
    {
        AssertRejected(
            "\tbla\n      x",
            "each continuation line in 'message' must be indented at least 2 spaces more than the first non-empty line, unlike line 2");
    }

    [Fact]
    public void Continuation_lines_can_be_overindented()
    {
        Assert.Equal("I title: \n  | first \n  |     second", Info("\n    title:\n      first\n          second                \n    "));
    }

    [Fact]
    public void Fields_ended_by_tab_are_left_aligned_and_fields_ended_by_backspace_right_aligned()
    {
        Assert.Equal(
            "I a    b33100: \n  | a2 b2  10 \n  | a33b    1",
            Info("\n    a\tb33\t100\b:\n      a2\tb2\t10\b\n      a33\tb\t1\b\n    "));
        Assert.Equal(
            "I table: \n  | a:  A =  1 \n  | b2: B = 23",
            Info("\n    table:\n      a:\t A =\b 1\b\n      b2:\t B =\b 23\b\n    "));
    }

    [Fact]
    public void Field_widths_count_code_points_not_utf16_units()
    {
        Assert.Equal("I x: \n  | \U0001f609b: 1 \n  | ab: 2", Info("x:\n  \U0001f609b:\t 1\n  ab:\t 2"));
    }

    [Fact]
    public void Fields_do_not_introduce_trailing_space()
    {
        Assert.Equal("I : \n  | a", Info("\n    :\n      a  \b\n    "));
    }

    [Fact]
    public void Data_items_become_continuation_lines_without_trailing_white_space()
    {
        Assert.Equal("I data: \n  |  a \n  | \n  | b", DiagnosticLog.FormatMessage("data:", Level.Info, " a ", "    ", "b\t"));
    }

    [Fact]
    public void Empty_data_lines_before_are_kept_and_after_are_removed()
    {
        Assert.Equal("I data: \n  | \n  | a", DiagnosticLog.FormatMessage("data:", Level.Info, "", "a"));
        Assert.Equal("I data: \n  | a", DiagnosticLog.FormatMessage("data:", Level.Info, "a", "", ""));
    }

    [Fact]
    public void A_run_of_empty_data_lines_between_becomes_one_bar_line()
    {
        Assert.Equal("I data: \n  | a \n  | \n  | b", DiagnosticLog.FormatMessage("data:", Level.Info, "a", "", "   ", "\t", "", "", "b"));
    }

    [Fact]
    public void Data_items_that_are_not_strings_are_shown_by_their_invariant_representation()
    {
        Assert.Equal("I data: \n  | 1 \n  | 1.5 \n  | null", DiagnosticLog.FormatMessage("data:", Level.Info, 1, 1.5, null));
    }

    [Fact]
    public void Control_characters_in_data_items_are_replaced_by_spaces()
    {
        Assert.Equal("I data: \n  |  s  tr", DiagnosticLog.FormatMessage("data:", Level.Info, "\0s\b\ttr\u0002\u0003"));
    }

    [Fact]
    public void Multi_line_data_items_become_several_continuation_lines()
    {
        Assert.Equal(
            "I data: \n  | \n  | s \n  | \n  | t \n  | r \n  | re \n  | pr",
            DiagnosticLog.FormatMessage("data:", Level.Info, "\n\ns\n\nt\nr\n", "re\npr\n"));
    }

    [Fact]
    public void A_table_with_right_aligned_numbers_is_aligned_over_all_lines()
    {
        // dlb's UsageExampleTest.test_example3 and test_example4
        Assert.Equal(
            "I memory usage: \n  | RAM:              12 kB \n  | ROM (NOR flash): 108 kB \n  | eMMC:            512 kB",
            Info("\n    memory usage:\n      RAM:\t 12\b kB\n      ROM (NOR flash):\t 108\b kB\n      eMMC:\t 512\b kB\n    "));
        Assert.Equal(
            "I Halstead complexity measures: \n" +
            "  | volume:               V =   1.7 \n" +
            "  | programming required: T = 127.3 s \n" +
            "  | difficulty:           D =  12.8",
            Info(
                "Halstead complexity measures:\n" +
                "  volume:\t V =\b 1.7\b\n" +
                "  programming required:\t T =\b 127.3\b s\n" +
                "  difficulty:\t D =\b 12.8\b"));
    }
}
