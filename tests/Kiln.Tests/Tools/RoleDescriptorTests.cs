using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>One role of a tool class: list-ness, kind, and reading and assigning its paths.</summary>
public sealed class RoleDescriptorTests
{
    private static RoleDescriptor Role(string name) => ToolDescriptor.For(typeof(Archive)).Roles.Single(r => r.Name == name);

    [Fact]
    public void A_TreePath_role_holds_one_path_and_a_list_role_several()
    {
        Assert.False(Role(nameof(Archive.Index)).IsList);
        Assert.True(Role(nameof(Archive.Members)).IsList);
        Assert.False(Role(nameof(Archive.Mode)).IsList);
        Assert.False(Role(nameof(Archive.Mode)).IsPathRole);
        Assert.True(Role(nameof(Archive.Index)).IsPathRole);
    }

    [Fact]
    public void Kind_input_ness_explicitness_and_directory_ness_come_from_the_attribute()
    {
        var members = Role(nameof(Archive.Members));
        var output = Role(nameof(Archive.OutputDirectory));
        var scanned = Role(nameof(Archive.Scanned));

        Assert.Equal(RoleKind.InputRegularFile, members.Kind);
        Assert.True(members.IsInput);
        Assert.True(members.IsExplicit);
        Assert.False(members.WantsDirectory);
        Assert.Equal(RoleKind.OutputDirectory, output.Kind);
        Assert.False(output.IsInput);
        Assert.True(output.WantsDirectory);
        Assert.True(Role(nameof(Archive.Tree)).WantsDirectory);
        Assert.False(scanned.IsExplicit);
    }

    [Fact]
    public void PathsOf_returns_the_values_as_a_list()
    {
        var archive = new Archive { Index = "i", Members = ["a", "b"] };

        Assert.Equal([TreePath.Parse("i")], Role(nameof(Archive.Index)).PathsOf(archive));
        Assert.Equal([TreePath.Parse("a"), TreePath.Parse("b")], Role(nameof(Archive.Members)).PathsOf(archive));
        Assert.Empty(Role(nameof(Archive.Tree)).PathsOf(archive));
    }

    [Fact]
    public void SetPaths_assigns_a_list_or_a_single_path()
    {
        var archive = new Archive();

        Role(nameof(Archive.Scanned)).SetPaths(archive, [TreePath.Parse("x"), TreePath.Parse("y")]);
        Role(nameof(Archive.Log)).SetPaths(archive, [TreePath.Parse("l")]);

        Assert.Equal([TreePath.Parse("x"), TreePath.Parse("y")], archive.Scanned);
        Assert.Equal(TreePath.Parse("l"), archive.Log);

        Role(nameof(Archive.Log)).SetPaths(archive, []);
        Assert.Null(archive.Log);
    }

    private sealed class Archive : Tool<Archive>
    {
        [Input.RegularFile] public IReadOnlyList<TreePath>? Members { get; init; }
        [Input.RegularFile(Required = false)] public TreePath? Index { get; init; }
        [Input.Directory(Required = false)] public TreePath? Tree { get; init; }
        [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? Scanned { get; set; }
        [Input.EnvVar("MODE", Required = false)] public EnvVarValue? Mode { get; init; }
        [Output.Directory] public TreePath? OutputDirectory { get; init; }
        [Output.RegularFile(Explicit = false, Required = false)] public TreePath? Log { get; set; }

        protected override Task<bool> RedoAsync(Archive result, RedoContext context) => Task.FromResult(false);
    }
}
