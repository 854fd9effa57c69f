using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Tests;

/// <summary>The per-role-kind behaviour, one action per <see cref="RoleKind"/>.</summary>
public sealed class RoleActionTests
{
    [Theory]
    [InlineData(RoleKind.InputRegularFile, FileKind.RegularFile)]
    [InlineData(RoleKind.InputNonRegularFile, FileKind.Other)]
    [InlineData(RoleKind.InputDirectory, FileKind.Directory)]
    [InlineData(RoleKind.InputEnvVar, FileKind.Other)]
    [InlineData(RoleKind.OutputRegularFile, FileKind.RegularFile)]
    [InlineData(RoleKind.OutputNonRegularFile, FileKind.Other)]
    [InlineData(RoleKind.OutputDirectory, FileKind.Directory)]
    public void Each_role_kind_expects_its_kind_of_filesystem_object(RoleKind kind, FileKind expected)
    {
        Assert.Equal(expected, RoleAction.Of(kind).ExpectedKind);
        Assert.Same(RoleAction.Of(kind), RoleAction.Of(kind));
    }

    private sealed class Outputs : Tool<Outputs>
    {
        [Output.RegularFile] public required TreePath Replaced { get; init; }
        [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath KeptWhenSame { get; init; }
        [Output.Directory] public required TreePath Directory { get; init; }

        protected override Task<bool> RedoAsync(Outputs result, RedoContext context) => Task.FromResult(false);
    }

    [Fact]
    public void An_output_kept_with_the_same_content_is_the_only_one_not_modified_by_a_redo()
    {
        var roles = ToolDescriptor.For(typeof(Outputs)).Roles.ToDictionary(r => r.Name);
        bool Modified(string name, bool replaced) => RoleAction.Of(roles[name].Kind).IsModifiedByRedo(roles[name], replaced);

        Assert.True(Modified(nameof(Outputs.Replaced), replaced: false));
        Assert.True(Modified(nameof(Outputs.Directory), replaced: false));
        Assert.True(Modified(nameof(Outputs.KeptWhenSame), replaced: true));
        Assert.False(Modified(nameof(Outputs.KeptWhenSame), replaced: false));
    }
}
