using System.Security.Cryptography;
using System.Text;
using Kiln.Jit.Signatures;

namespace Kiln.Jit.Tests.Signatures;

public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Known_answer_vectors_of_FIPS_180_4_match(string text, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(Sha256.Hash(Encoding.ASCII.GetBytes(text))));
    }

    [Fact]
    public void Every_length_up_to_three_blocks_matches_the_platform_implementation_also_when_appended_in_pieces()
    {
        var data = new byte[200];
        new Random(42).NextBytes(data);
        for (var length = 0; length <= data.Length; length++)
        {
            var expected = SHA256.HashData(data.AsSpan(0, length));
            Assert.Equal(expected, Sha256.Hash(data.AsSpan(0, length)));
            var pieces = new Sha256();
            for (var i = 0; i < length; i += 7)
                pieces.Append(data.AsSpan(i, Math.Min(7, length - i)));
            Assert.Equal(expected, pieces.Finish());
        }
    }
}
