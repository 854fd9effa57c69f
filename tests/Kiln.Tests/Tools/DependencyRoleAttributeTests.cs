using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>Defaults and kinds of the role attributes (<see cref="Input"/>, <see cref="Output"/>).</summary>
public sealed class DependencyRoleAttributeTests
{
    [Fact]
    public void A_role_is_required_explicit_and_unbounded_by_default()
    {
        var role = new Input.RegularFileAttribute();

        Assert.True(role.Required);
        Assert.True(role.Explicit);
        Assert.Equal(0, role.MinCount);
        Assert.Equal(int.MaxValue, role.MaxCount);
    }

    [Fact]
    public void Each_attribute_has_its_kind_and_direction()
    {
        DependencyRoleAttribute[] roles =
        [
            new Input.RegularFileAttribute(), new Input.NonRegularFileAttribute(), new Input.DirectoryAttribute(), new Input.EnvVarAttribute("X"),
            new Output.RegularFileAttribute(), new Output.NonRegularFileAttribute(), new Output.DirectoryAttribute(),
        ];

        Assert.Equal(Enum.GetValues<RoleKind>(), roles.Select(r => r.Kind));
        Assert.Equal([true, true, true, true, false, false, false], roles.Select(r => r.IsInput));
    }

    [Fact]
    public void Role_kind_numbers_are_dlbs_dependency_class_ids()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], Enum.GetValues<RoleKind>().Select(k => (int)k));
    }

    [Fact]
    public void An_environment_variable_role_accepts_any_value_by_default()
    {
        var role = new Input.EnvVarAttribute("LANG");

        Assert.Equal("LANG", role.Name);
        Assert.Equal(".*", role.Pattern);
        Assert.Equal("", role.Example);
    }

    [Fact]
    public void A_regular_file_output_is_replaced_by_same_content_by_default()
    {
        Assert.True(new Output.RegularFileAttribute().ReplaceBySameContent);
    }
}
