using System.Text;
using Kiln.Jit.Signatures;

namespace Kiln.Jit.Tests.Signatures;

public sealed class KeyInputsTests
{
    [Fact]
    public void The_canonical_encoding_is_length_prefixed_so_values_cannot_imitate_fields()
    {
        var a = new StringBuilder();
        CanonicalText.AppendList(a, "flags", ["-DX=1\nflags[1]=2:-g"]);
        var b = new StringBuilder();
        CanonicalText.AppendList(b, "flags", ["-DX=1", "-g"]);
        Assert.NotEqual(a.ToString(), b.ToString());
    }

    [Fact]
    public void The_full_key_differs_from_the_hash_of_the_base_text()
    {
        var text = "signature=1:x\n";
        Assert.NotEqual(KeyInputs.Hash(text), KeyInputs.FullKey(text, [], []));
    }

    [Fact]
    public void The_full_key_depends_on_header_content_but_not_on_header_order()
    {
        var text = "signature=1:x\n";
        var k1 = KeyInputs.FullKey(text, [new HeaderHash("aa", "/a.h"), new HeaderHash("bb", "/b.h")], []);
        var k2 = KeyInputs.FullKey(text, [new HeaderHash("bb", "/b.h"), new HeaderHash("aa", "/a.h")], []);
        var k3 = KeyInputs.FullKey(text, [new HeaderHash("ab", "/a.h"), new HeaderHash("bb", "/b.h")], []);
        Assert.Equal(k1, k2);
        Assert.NotEqual(k1, k3);
    }

    [Fact]
    public void The_full_key_depends_on_the_dependencies_keys()
    {
        var text = "signature=1:x\n";
        Assert.NotEqual(KeyInputs.FullKey(text, [], [new DependencyKey("k1", "d")]), KeyInputs.FullKey(text, [], [new DependencyKey("k2", "d")]));
    }
}
