using Kiln.Jit.Cache;
using Kiln.Jit.Signatures;

namespace Kiln.Jit.Tests.Cache;

public sealed class EntryManifestTests
{
    private static EntryManifest Sample() => new()
    {
        Key = new string('k', 64), BaseKey = new string('b', 64), Signature = "sig with spaces\\and\nnewline",
        CreatedUnixMs = 123, LibrarySize = 456, LibrarySha256 = new string('s', 64), CompileSeconds = 0.25,
        Command = "gcc -O2 'a b.c'", SourceFile = "k.c.gz",
        Headers = [new HeaderHash(new string('h', 64), "/inc/a b.h")], Dependencies = [new DependencyKey(new string('d', 64), "depSig")],
        InputText = "signature=3:abc\nflags.count=1:0\n",
    };

    [Fact]
    public void A_manifest_survives_a_format_and_parse_round_trip()
    {
        var m = Sample();
        var back = EntryManifest.TryParse(m.Format())!;
        Assert.Equal(m.Key, back.Key);
        Assert.Equal(m.Signature, back.Signature);
        Assert.Equal(m.LibrarySize, back.LibrarySize);
        Assert.Equal(m.Headers, back.Headers);
        Assert.Equal(m.Dependencies, back.Dependencies);
        Assert.Equal(m.InputText, back.InputText);
        Assert.Equal(m.Command, back.Command);
    }

    [Fact]
    public void A_truncated_manifest_does_not_parse()
    {
        var text = Sample().Format();
        Assert.Null(EntryManifest.TryParse(text[..(text.Length / 2)]));
        Assert.Null(EntryManifest.TryParse(""));
        Assert.Null(EntryManifest.TryParse("something else\n"));
    }
}
