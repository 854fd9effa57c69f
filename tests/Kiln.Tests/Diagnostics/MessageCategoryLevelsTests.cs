using Kiln.Diagnostics;

namespace Kiln.Tests.Diagnostics;

public sealed class MessageCategoryLevelsTests
{
    [Fact]
    public void Defaults_are_those_of_dlb_cf_level()
    {
        var levels = new MessageCategoryLevels();

        Assert.Equal((Level)13, levels.RunPreparation);
        Assert.Equal((Level)20, levels.RunSerialization);
        Assert.Equal((Level)13, levels.RedoNecessityCheck);
        Assert.Equal((Level)20, levels.RedoReason);
        Assert.Equal((Level)30, levels.RedoSuspiciousReason);
        Assert.Equal((Level)15, levels.RedoPreparation);
        Assert.Equal((Level)20, levels.RedoStart);
        Assert.Equal((Level)15, levels.RedoAftermath);
        Assert.Equal((Level)17, levels.HelperExecution);
        Assert.Equal((Level)20, levels.OutputFilesystemObjectReplacement);
        Assert.Equal((Level)20, levels.RunSummary);
    }

    [Fact]
    public void A_category_level_can_be_changed_without_changing_the_others()
    {
        var levels = new MessageCategoryLevels { HelperExecution = Level.Warning };

        Assert.Equal(Level.Warning, levels.HelperExecution);
        Assert.Equal((Level)15, levels.RedoAftermath);
        Assert.Equal(Level.Warning, new MessageCategoryLevels { RedoReason = Level.Warning }.RedoReason);
        Assert.Equal((Level)1, new MessageCategoryLevels { RunSummary = (Level)1 }.RunSummary);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_non_positive_level_is_rejected(int level)
    {
        var levels = new MessageCategoryLevels();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => levels.RedoStart = (Level)level);

        Assert.StartsWith("'RedoStart' must be positive", e.Message, StringComparison.Ordinal);
        Assert.Equal(Level.Info, levels.RedoStart);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RunPreparation = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RunSerialization = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RedoNecessityCheck = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RedoReason = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RedoSuspiciousReason = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RedoPreparation = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RedoAftermath = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.HelperExecution = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.OutputFilesystemObjectReplacement = (Level)level);
        Assert.Throws<ArgumentOutOfRangeException>(() => levels.RunSummary = (Level)level);
    }
}
