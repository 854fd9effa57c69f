using Kiln.Paths;

namespace Kiln.Tests.Paths;

/// <summary>The memo of a file-system object and its binary form in the run-database.</summary>
public sealed class FileMemoTests
{
    public static TheoryData<FileMemo> Memos() =>
    [
        FileMemo.Missing,
        new FileMemo(FileKind.RegularFile, 12, 1_700_000_000_123_456_789, 0x1A4, 1000, 100, null),
        new FileMemo(FileKind.Directory, 4096, -5, 0xFED, 0, 0, null),
        new FileMemo(FileKind.SymbolicLink, 5, 42, 0x1FF, uint.MaxValue, uint.MaxValue, "../ä/b"),
        new FileMemo(FileKind.SymbolicLink, 0, 42, 0x1FF, 1, 2, ""),
        new FileMemo(FileKind.Other, 0, long.MaxValue, 0x180, 1, 2, null),
        new FileMemo(FileKind.RegularFile, long.MaxValue, long.MinValue, 0, 1, 2, null),
    ];

    [Theory]
    [MemberData(nameof(Memos))]
    public void Encode_and_TryDecode_round_trip(FileMemo memo)
    {
        Assert.True(FileMemo.TryDecode(memo.Encode(), out var decoded));

        Assert.Equal(memo, decoded);
    }

    [Fact]
    public void A_missing_object_is_encoded_in_two_bytes()
    {
        Assert.Equal([1, 0], FileMemo.Missing.Encode());
        Assert.False(FileMemo.Missing.Exists);
    }

    [Fact]
    public void The_encoding_is_version_kind_then_little_endian_fields()
    {
        var bytes = new FileMemo(FileKind.RegularFile, 0x0102, 3, 0x1A4, 5, 6, null).Encode();

        Assert.Equal(30, bytes.Length);
        Assert.Equal([1, 1, 2, 1, 0, 0, 0, 0, 0, 0, 3], bytes[..11]);
        Assert.Equal([0xA4, 1, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0], bytes[18..]);
    }

    [Fact]
    public void Memos_differ_in_each_field()
    {
        var memo = new FileMemo(FileKind.RegularFile, 1, 2, 3, 4, 5, null);

        FileMemo[] others =
        [
            memo with { Kind = FileKind.Other },
            memo with { Size = 0 },
            memo with { MtimeNs = 0 },
            memo with { Mode = 0 },
            memo with { Uid = 0 },
            memo with { Gid = 0 },
        ];

        Assert.All(others, o => Assert.NotEqual(memo.Encode(), o.Encode()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("01")]
    [InlineData("0000")]
    [InlineData("0200")]
    [InlineData("010000")]
    [InlineData("010500000000000000000000000000000000000000000000000000000000")]
    [InlineData("01FF00000000000000000000000000000000000000000000000000000000")]
    [InlineData("020100000000000000000000000000000000000000000000000000000000")]
    [InlineData("0101000000000000000000000000000000000000000000000000000000")]
    [InlineData("01010000000000000000000000000000000000000000000000000000000000")]
    [InlineData("01020000000000000000000000000000000000000000000000000000000041")]
    [InlineData("313233")]
    public void TryDecode_rejects_anything_else(string hex)
    {
        Assert.False(FileMemo.TryDecode(Convert.FromHexString(hex), out var memo));
        Assert.Equal(FileMemo.Missing, memo);
    }
}
