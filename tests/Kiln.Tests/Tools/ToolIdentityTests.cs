using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>The keys under which the run-database knows tool classes (decision 0005).</summary>
public sealed class ToolIdentityTests
{
    [Fact]
    public void A_class_in_the_working_tree_is_keyed_by_its_file_relative_to_the_root_and_its_line()
    {
        Assert.Equal("tools/Compile.cs:12", ToolIdentity.SourceKey("/home/a/tree/tools/Compile.cs", "/home/a/tree/", 12, "Compile"));
        Assert.Equal(
            ToolIdentity.SourceKey("/home/a/tree/build.cs", "/home/a/tree/", 7, "Link"),
            ToolIdentity.SourceKey("/ci/checkout/build.cs", "/ci/checkout", 7, "Link"));
    }

    [Fact]
    public void A_class_without_code_is_keyed_by_its_file_and_full_name()
    {
        Assert.Equal("build.cs:Build.Link", ToolIdentity.SourceKey("/tree/build.cs", "/tree/", 0, "Build.Link"));
    }

    [Fact]
    public void A_file_outside_the_working_tree_keeps_its_absolute_path()
    {
        Assert.Equal("/src/tools/Compile.cs:3", ToolIdentity.SourceKey("/src/tools/Compile.cs", "/src/tree/", 3, "Compile"));
        Assert.Equal("/src/tree2/Compile.cs:3", ToolIdentity.SourceKey("/src/tree2/Compile.cs", "/src/tree", 3, "Compile"));
    }

    [Fact]
    public void A_library_tool_is_keyed_by_assembly_and_type_and_defined_by_assembly_and_version()
    {
        Assert.Equal("assembly:Kiln.Contrib/Kiln.Contrib.CompileC", ToolIdentity.LibraryKey("Kiln.Contrib", "Kiln.Contrib.CompileC"));
        Assert.Equal("Kiln.Contrib 0.2.0.0", ToolIdentity.LibraryDefinition("Kiln.Contrib", new Version(0, 2, 0, 0)));
    }
}
