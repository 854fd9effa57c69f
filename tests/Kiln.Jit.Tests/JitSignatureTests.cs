namespace Kiln.Jit.Tests;

public sealed class JitSignatureTests
{
    [Fact]
    public void A_signature_from_a_name_is_stable_and_depends_on_every_part()
    {
        var a = JitSignature.FromName("axpy", "2.5", "double");
        Assert.Equal(a, JitSignature.FromName("axpy", "2.5", "double"));
        Assert.NotEqual(a, JitSignature.FromName("axpy", "2.5", "float"));
        Assert.NotEqual(JitSignature.FromName("k", "ab", "c"), JitSignature.FromName("k", "a", "bc"));
        Assert.StartsWith("axpy_", a, StringComparison.Ordinal);
    }

    [Fact]
    public void A_safe_signature_is_its_own_file_name_and_an_unsafe_one_is_hashed()
    {
        Assert.Equal("form_12.a-b", JitSignature.FileName("form_12.a-b"));
        var unsafeName = JitSignature.FileName("a/b c");
        Assert.StartsWith("kiln_", unsafeName, StringComparison.Ordinal);
        Assert.Equal(37, unsafeName.Length);
        Assert.StartsWith("kiln_", JitSignature.FileName(".hidden"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\nb")]
    public void An_empty_blank_or_control_character_signature_is_rejected(string signature)
    {
        Assert.Throws<JitRequestException>(() => JitSignature.Validate(signature));
    }

    [Fact]
    public void An_overlong_signature_is_rejected_with_its_length()
    {
        var e = Assert.Throws<JitRequestException>(() => JitSignature.Validate(new string('x', JitSignature.MaxLength + 1)));
        Assert.Contains((JitSignature.MaxLength + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }
}
