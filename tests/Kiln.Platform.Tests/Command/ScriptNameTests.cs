using Kiln.Platform.Command;

namespace Kiln.Platform.Tests.Command;

/// <summary>The script-name rules and the "did you mean" search.</summary>
public sealed class ScriptNameTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-scriptname-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("build.cs", "biuld.cs", 2)]
    [InlineData("build.cs", "build.cs", 0)]
    [InlineData("build.cs", "bild.cs", 1)]
    [InlineData("", "abc", 3)]
    public void Edit_distance_counts_insertions_deletions_and_substitutions(string a, string b, int expected) =>
        Assert.Equal(expected, ScriptName.EditDistance(a, b));

    [Fact]
    public void A_misspelt_script_finds_the_nearest_existing_one_in_its_directory()
    {
        File.WriteAllText(Path.Combine(_root, "build.cs"), "");
        File.WriteAllText(Path.Combine(_root, "test.cs"), "");
        Directory.CreateDirectory(Path.Combine(_root, "ci"));
        File.WriteAllText(Path.Combine(_root, "ci", "release.cs"), "");

        Assert.Equal("build.cs", ScriptName.NearestExisting(_root, "biuld.cs"));
        Assert.Equal("build.cs", ScriptName.NearestExisting(_root, "Build.cs"));
        Assert.Equal("ci/release.cs", ScriptName.NearestExisting(_root, "ci/relase.cs"));
        Assert.Null(ScriptName.NearestExisting(_root, "deploy.cs"));
        Assert.Null(ScriptName.NearestExisting(_root, "missing/build.cs"));
    }
}
