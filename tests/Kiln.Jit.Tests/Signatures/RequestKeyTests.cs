using Kiln.Jit.Signatures;

namespace Kiln.Jit.Tests.Signatures;

public sealed class RequestKeyTests
{
    private static RequestKey Key(string signature = "s", string cache = "/c", string build = "o", bool global = false, params string[] shared) =>
        new(signature, cache, build, global, shared);

    [Fact]
    public void Keys_with_equal_fields_are_equal_and_hash_alike_even_with_distinct_shared_lists()
    {
        Assert.Equal(Key(shared: ["/s1", "/s2"]), Key(shared: ["/s1", "/s2"]));
        Assert.Equal(Key(shared: ["/s1", "/s2"]).GetHashCode(), Key(shared: ["/s1", "/s2"]).GetHashCode());
    }

    [Fact]
    public void Each_field_tells_keys_apart()
    {
        var key = Key(shared: ["/s1"]);
        Assert.NotEqual(key, Key("t", shared: ["/s1"]));
        Assert.NotEqual(key, Key(cache: "/d", shared: ["/s1"]));
        Assert.NotEqual(key, Key(build: "p", shared: ["/s1"]));
        Assert.NotEqual(key, Key(global: true, shared: ["/s1"]));
        Assert.NotEqual(key, Key(shared: ["/s2"]));
        Assert.NotEqual(key, Key(shared: ["/s1", "/s2"]));
    }

    [Fact]
    public void A_field_cannot_imitate_a_field_break_as_a_joined_string_could()
    {
        Assert.NotEqual(Key("a\u0001/c", "/d"), Key("a", "/c\u0001/d"));
        Assert.NotEqual(Key(shared: ["/a\u0002/b"]), Key(shared: ["/a", "/b"]));
    }
}
