using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>Values of environment-variable roles.</summary>
public sealed class EnvVarValueTests
{
    [Fact]
    public void A_string_converts_to_an_explicit_value_without_name_and_groups()
    {
        EnvVarValue value = "de_CH";

        Assert.Equal("de_CH", value.Raw);
        Assert.Equal("", value.Name);
        Assert.Empty(value.Groups);
        Assert.Equal("de_CH", EnvVarValue.FromString("de_CH").Raw);
    }

    [Fact]
    public void A_value_knows_its_name_and_groups()
    {
        var value = new EnvVarValue("LANG", "de_CH", new Dictionary<string, string> { ["language"] = "de" });

        Assert.Equal("LANG", value.Name);
        Assert.Equal("de", value.Groups["language"]);
    }
}
