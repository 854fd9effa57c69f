using System.Text;
using Kiln.Caching;

namespace Kiln.Tests.Caching;

public sealed class ActionCacheEntryTests
{
    private const string Key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static ActionCacheEntry Sample() => new(
        Key,
        [("IncludedFiles", [("include/a b.h", new string('1', 64)), ("include/c.h", new string('2', 64))])],
        [new CachedOutput("build/a.o", 0b110_100_100, Encoding.UTF8.GetBytes("object bytes")), new CachedOutput("build/empty", 0b111_101_101, [])],
        "a.c:1: warning: unused\n");

    [Fact]
    public void An_entry_decodes_to_what_was_encoded()
    {
        var decoded = ActionCacheEntry.Decode(Sample().Encode(), Key);

        Assert.Equal(Key, decoded.Key);
        var (role, inputs) = Assert.Single(decoded.NonExplicitInputs);
        Assert.Equal("IncludedFiles", role);
        Assert.Equal([("include/a b.h", new string('1', 64)), ("include/c.h", new string('2', 64))], inputs);
        Assert.Equal(["build/a.o", "build/empty"], decoded.Outputs.Select(o => o.Path));
        Assert.Equal([0b110_100_100, 0b111_101_101], decoded.Outputs.Select(o => o.Mode));
        Assert.Equal("object bytes", Encoding.UTF8.GetString(decoded.Outputs[0].Content));
        Assert.Empty(decoded.Outputs[1].Content);
        Assert.Equal("a.c:1: warning: unused\n", decoded.HelperOutput);
    }

    [Fact]
    public void A_truncated_entry_is_refused_at_every_length()
    {
        var value = Sample().Encode();
        for (var length = 0; length < value.Length; length++)
            Assert.Throws<ActionCacheFormatException>(() => ActionCacheEntry.Decode(value.AsSpan(0, length), Key));
    }

    [Fact]
    public void An_entry_with_any_byte_changed_is_refused()
    {
        var value = Sample().Encode();
        for (var i = 0; i < value.Length; i++)
        {
            var corrupt = (byte[])value.Clone();
            corrupt[i] ^= 0x20;
            Assert.Throws<ActionCacheFormatException>(() => ActionCacheEntry.Decode(corrupt, Key));
        }
    }

    [Fact]
    public void An_entry_stored_under_another_key_is_refused()
    {
        var error = Assert.Throws<ActionCacheFormatException>(() => ActionCacheEntry.Decode(Sample().Encode(), new string('f', 64)));
        Assert.Equal("stored under another key", error.Message);
    }
}
