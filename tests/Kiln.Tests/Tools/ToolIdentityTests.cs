using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>Where a tool class is defined.</summary>
public sealed class ToolIdentityTests
{
    [Fact]
    public void The_key_is_the_definition_file_and_line_but_not_the_digest()
    {
        var identity = new ToolIdentity("/src/build.cs", 12, [1, 2]);

        Assert.Equal("/src/build.cs:12", identity.Key);
        Assert.Equal(identity.Key, (identity with { DefinitionDigest = [3] }).Key);
        Assert.NotEqual(identity.Key, (identity with { Line = 13 }).Key);
    }
}
