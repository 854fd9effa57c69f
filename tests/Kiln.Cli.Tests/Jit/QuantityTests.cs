using Kiln.Cli.Jit;

namespace Kiln.Cli.Tests.Jit;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("1024", 1024)]
    [InlineData("2K", 2048)]
    [InlineData("1.5M", 1572864)]
    [InlineData("1g", 1073741824)]
    public void Sizes_accept_bytes_and_binary_suffixes(string text, long bytes) => Assert.Equal(bytes, Quantity.ParseSize(text));

    [Theory]
    [InlineData("30d", 30 * 24 * 3600)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("90m", 90 * 60)]
    [InlineData("45s", 45)]
    public void Ages_accept_days_hours_minutes_and_seconds(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), Quantity.ParseAge(text));

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("3X")]
    public void Malformed_sizes_are_rejected(string text) => Assert.Throws<FormatException>(() => Quantity.ParseSize(text));

    [Theory]
    [InlineData("5")]
    [InlineData("5w")]
    public void Malformed_ages_are_rejected(string text) => Assert.Throws<FormatException>(() => Quantity.ParseAge(text));
}
