using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>The canonical encoding of fundamental values: equal values encode equally, different ones differently.</summary>
public sealed class CanonicalEncoderTests
{
    private static byte[] Encode(object? value)
    {
        var encoder = new CanonicalEncoder();
        Assert.Null(encoder.TryWriteValue(value));
        return encoder.ToArray();
    }

    private enum Color
    {
        Red,
        Green,
    }

    [Fact]
    public void Primitive_values_have_a_tag_and_a_length_prefixed_content()
    {
        Assert.Equal([0], Encode(null));
        Assert.Equal([1, 1], Encode(true));
        Assert.Equal([1, 0], Encode(false));
        Assert.Equal([2, 2, 0, 0, 0, (byte)'h', (byte)'i'], Encode("hi"));
        Assert.Equal([3, 2, 0, 0, 0, 7, 8], Encode(new byte[] { 7, 8 }));
        Assert.Equal([6, 2, 0, 0, 0, (byte)'-', (byte)'5'], Encode(-5));
    }

    private static readonly object?[] SampleValues =
    [
        null, true, false, "", "a", 'a', 1, 1L, (byte)1, 2, 1.5, 1.5f, 0.1, 1.5m, Color.Red, Color.Green,
        TreePath.Parse("a/b"), TreePath.Parse("a/b/"), new byte[] { 1 }, new[] { "a" }, new[] { "a", "b" }, new[] { "b", "a" },
        new List<object?> { null }, new Dictionary<string, int> { ["a"] = 1 }, new Dictionary<string, int> { ["a"] = 2 },
        new Dictionary<string, int>(),
    ];

    public static IEnumerable<TheoryDataRow<object?>> Values() => SampleValues.Select(v => new TheoryDataRow<object?>(v));

    [Fact]
    public void Different_values_encode_differently()
    {
        // Equal numbers of different types are the same value (as in Python); a char is a string.
        var encodings = SampleValues.Select(v => Convert.ToHexString(Encode(v))).ToList();
        var distinct = encodings.Distinct().Count();

        Assert.Equal(encodings.Count - 5, distinct);
        Assert.Equal(Encode(1), Encode(1L));
        Assert.Equal(Encode(1), Encode((byte)1));
        Assert.Equal(Encode("a"), Encode('a'));
        Assert.Equal(Encode(1.5), Encode(1.5f));
        Assert.Equal(Encode(1.5), Encode(1.5m));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Encoding_is_repeatable(object? value)
    {
        Assert.Equal(Encode(value), Encode(value));
    }

    [Fact]
    public void Nesting_is_unambiguous()
    {
        Assert.NotEqual(Encode(new object[] { new[] { "a" }, "b" }), Encode(new object[] { "a", new[] { "b" } }));
        Assert.NotEqual(Encode(new[] { "ab" }), Encode(new[] { "a", "b" }));
        Assert.NotEqual(Encode(new[] { "a" }), Encode("a"));
    }

    [Fact]
    public void Dictionaries_encode_equally_whatever_their_insertion_order()
    {
        var ab = new Dictionary<object, object> { ["a"] = 1, [2] = "b" };
        var ba = new Dictionary<object, object> { [2] = "b", ["a"] = 1 };
        var sorted = new SortedDictionary<string, int> { ["x"] = 1, ["y"] = 2 };
        var plain = new Dictionary<string, int> { ["y"] = 2, ["x"] = 1 };

        Assert.Equal(Encode(ab), Encode(ba));
        Assert.Equal(Encode(sorted), Encode(plain));
    }

    [Fact]
    public void Sets_encode_equally_whatever_their_insertion_order()
    {
        // A set's enumeration order depends on insertion order (and for strings on the per-process hash seed), so
        // a set parameter would otherwise change the fingerprint from run to run (dlb sorts sets).
        var ab = new HashSet<string>(StringComparer.Ordinal) { "a", "b", "c" };
        var ba = new HashSet<string>(StringComparer.Ordinal) { "c", "b", "a" };
        var sorted = new SortedSet<string>(StringComparer.Ordinal) { "b", "a", "c" };

        Assert.Equal(Encode(ab), Encode(ba));
        Assert.Equal(Encode(ab), Encode(sorted));
        Assert.NotEqual(Encode(ab), Encode(new HashSet<string> { "a", "b" }));
        Assert.NotEqual(Encode(new[] { "a", "b", "c" }), Encode(ab));
    }

    [Fact]
    public void A_set_of_non_fundamental_values_names_their_type()
    {
        Assert.Equal("System.Object", new CanonicalEncoder().TryWriteValue(new HashSet<object> { new() }));
    }

    [Fact]
    public void A_non_fundamental_value_names_its_type()
    {
        var encoder = new CanonicalEncoder();

        Assert.Equal("System.Object", encoder.TryWriteValue(new object()));
        Assert.Equal("System.Uri", new CanonicalEncoder().TryWriteValue(new[] { new Uri("http://x") }));
        Assert.Equal("System.Object", new CanonicalEncoder().TryWriteValue(new Dictionary<string, object> { ["a"] = new() }));
        Assert.Equal("System.Object", new CanonicalEncoder().TryWriteValue(new Dictionary<object, int> { [new()] = 1 }));
    }
}
