using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>
/// What a tool class declares, how instances are validated and fingerprinted, after dlb's
/// <c>test/dlb/0/test_ex_tool*.py</c> and <c>test_ex_dependaction.py</c> (dlb-spec §3 "fingerprint", §8.3).
/// </summary>
public sealed class ToolDescriptorTests
{
    private static ToolDescriptor Descriptor<T>() where T : Tool => ToolDescriptor.For(typeof(T));

    private static ToolDefinitionException DefinitionError<T>() where T : Tool =>
        Assert.Throws<ToolDefinitionException>(() => ToolDescriptor.For(typeof(T)));

    // ---- declaration ----------------------------------------------------------------------------------------

    [Fact]
    public void Roles_are_ordered_inputs_first_then_required_first_then_by_name()
    {
        var names = Descriptor<Ordering>().Roles.Select(r => r.Name);

        Assert.Equal(["C", "E", "Z", "B", "A", "D"], names);
    }

    [Fact]
    public void Execution_parameters_are_ordered_by_name()
    {
        Assert.Equal(["Level", "Options"], Descriptor<Compile>().Parameters.Select(p => p.Name));
    }

    [Fact]
    public void The_descriptor_is_read_once_per_class()
    {
        Assert.Same(Descriptor<Compile>(), Descriptor<Compile>());
    }

    [Fact]
    public void A_public_settable_property_that_is_neither_role_nor_parameter_is_rejected()
    {
        var e = DefinitionError<Untagged>();

        Assert.Equal(
            "invalid tool class 'Untagged': public property 'Name' is neither a dependency role nor an execution parameter\n" +
            "  | mark it with [ExecutionParameter] or a role attribute such as [Input.RegularFile], or make it get-only",
            e.Message);
        Assert.Equal(typeof(Untagged), e.ToolType);
    }

    [Fact]
    public void A_public_get_only_property_is_allowed()
    {
        Assert.Single(Descriptor<GetOnly>().Roles);
    }

    [Fact]
    public void A_property_that_is_role_and_parameter_is_rejected()
    {
        Assert.Equal(
            "invalid tool class 'RoleAndParameter': property 'Source' is both a dependency role and an execution parameter",
            DefinitionError<RoleAndParameter>().Message);
    }

    [Fact]
    public void A_path_role_of_another_type_is_rejected()
    {
        Assert.Equal(
            "invalid tool class 'StringPath': path role 'Source' must be of type TreePath or IReadOnlyList<TreePath>",
            DefinitionError<StringPath>().Message);
        Assert.Contains("path role 'Sources' must be of type", DefinitionError<ArrayPath>().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_variable_role_of_another_type_is_rejected()
    {
        Assert.Equal(
            "invalid tool class 'StringEnvVar': environment variable role 'Language' must be of type EnvVarValue",
            DefinitionError<StringEnvVar>().Message);
    }

    [Fact]
    public void An_example_not_matched_by_the_validation_pattern_is_rejected()
    {
        Assert.Equal(
            "invalid tool class 'ExampleMismatch': role 'Level': example 'high' is not matched by validation pattern '[0-9]+'",
            DefinitionError<ExampleMismatch>().Message);
    }

    [Fact]
    public void The_example_must_match_the_whole_pattern()
    {
        Assert.Contains("example '12x' is not matched", DefinitionError<PartialExample>().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_validation_pattern_is_rejected()
    {
        Assert.StartsWith(
            "invalid tool class 'InvalidPattern': role 'Level' has an invalid validation pattern '('",
            DefinitionError<InvalidPattern>().Message);
    }

    [Fact]
    public void An_invalid_count_range_is_rejected()
    {
        Assert.Equal(
            "invalid tool class 'InvalidCount': role 'Sources' has an invalid count range [3, 2]",
            DefinitionError<InvalidCount>().Message);
    }

    [Fact]
    public void A_non_explicit_role_needs_a_public_setter()
    {
        Assert.Equal(
            "invalid tool class 'NonExplicitWithoutSetter': non-explicit role 'Included' needs a public setter (the redo assigns it)",
            DefinitionError<NonExplicitWithoutSetter>().Message);
    }

    // ---- validation -----------------------------------------------------------------------------------------

    private static Link ValidLink(Action<Link>? change = null)
    {
        var link = new Link { Objects = ["a.o"], Executable = "a" };
        change?.Invoke(link);
        return link;
    }

    private static string? Validate(Link link) => Descriptor<Link>().Validate(link);

    [Fact]
    public void A_valid_instance_has_no_problem()
    {
        Assert.Null(Validate(ValidLink()));
        Assert.Null(Validate(ValidLink(t => { t.Objects = ["a.o", "b.o"]; t.LibraryDirectory = "lib/"; t.Language = "sv_SE"; t.Maps = ["m1", "m2"]; })));
    }

    [Fact]
    public void A_missing_required_role_is_a_problem()
    {
        Assert.Equal("missing value for required dependency role 'Executable'", Validate(ValidLink(t => { t.Executable = null; })));
    }

    [Fact]
    public void A_given_non_explicit_role_is_a_problem()
    {
        Assert.Equal(
            "non-explicit dependency role 'Libraries' must not be given (the redo assigns it)",
            Validate(ValidLink(t => { t.Libraries = ["libm.a"]; })));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_list_outside_its_bounds_is_a_problem_in_dlbs_slice_notation(int count)
    {
        var objects = Enumerable.Range(0, count).Select(i => TreePath.Parse($"{i}.o")).ToList();

        Assert.Equal(
            "value for dependency role 'Objects' is invalid\n" +
            $"  | reason: value has {count} members, which is not accepted according to the specified multiplicity [1:3]",
            Validate(ValidLink(t => { t.Objects = objects; })));
    }

    [Fact]
    public void An_unbounded_list_shows_an_open_slice()
    {
        Assert.Equal(
            "value for dependency role 'Maps' is invalid\n" +
            "  | reason: value has 1 members, which is not accepted according to the specified multiplicity [2:]",
            Validate(ValidLink(t => { t.Maps = ["m"]; })));
    }

    [Fact]
    public void A_duplicate_in_a_list_is_a_problem()
    {
        Assert.Equal(
            "value for dependency role 'Objects' is invalid\n  | reason: iterable must be duplicate-free but contains 'a.o' more than once",
            Validate(ValidLink(t => { t.Objects = ["a.o", "./a.o"]; })));
    }

    [Fact]
    public void A_null_in_a_list_is_a_problem()
    {
        Assert.Equal(
            "value for dependency role 'Objects' is invalid\n  | reason: contains null",
            Validate(ValidLink(t => { t.Objects = [null!]; })));
    }

    [Fact]
    public void A_non_directory_path_for_a_directory_role_is_a_problem()
    {
        Assert.Equal(
            "value for dependency role 'LibraryDirectory' is invalid: 'lib'\n  | reason: non-directory path not accepted (a directory path ends with '/')",
            Validate(ValidLink(t => { t.LibraryDirectory = "lib"; })));
    }

    [Fact]
    public void A_directory_path_for_a_file_role_is_a_problem()
    {
        Assert.Equal(
            "value for dependency role 'Executable' is invalid: 'a/'\n  | reason: directory path not accepted (remove the trailing '/')",
            Validate(ValidLink(t => { t.Executable = "a/"; })));
        Assert.Equal(
            "value for dependency role 'Objects' is invalid: 'o/'\n  | reason: directory path not accepted (remove the trailing '/')",
            Validate(ValidLink(t => { t.Objects = ["o/"]; })));
    }

    [Fact]
    public void An_environment_variable_value_not_matched_by_the_pattern_is_a_problem()
    {
        Assert.Equal(
            "value for dependency role 'Language' is invalid: 'sv'\n  | reason: value is not matched by validation pattern '(?<language>[a-z]{2})_[A-Z]{2}'",
            Validate(ValidLink(t => { t.Language = "sv"; })));
        Assert.NotNull(Validate(ValidLink(t => { t.Language = "sv_SEx"; })));
    }

    [Fact]
    public void The_environment_variable_pattern_has_the_named_groups()
    {
        var role = Descriptor<Link>().Roles.Single(r => r.Name == nameof(Link.Language));

        var match = Descriptor<Link>().EnvVarPattern(role).Match("sv_SE");

        Assert.Equal("sv", match.Groups["language"].Value);
    }

    // ---- fingerprint ----------------------------------------------------------------------------------------

    private static byte[] Fingerprint(Tool tool, bool dependenciesOnly = false) =>
        ToolDescriptor.For(tool.GetType()).Fingerprint(tool, dependenciesOnly);

    private static Compile NewCompile(Action<Compile>? change = null)
    {
        var compile = new Compile { Source = "a.c", Object = "a.o", Options = new List<string> { "-g" } };
        change?.Invoke(compile);
        return compile;
    }

    [Fact]
    public void Equal_instances_have_equal_fingerprints()
    {
        var fingerprint = Fingerprint(NewCompile());

        Assert.Equal(fingerprint, Fingerprint(NewCompile()));
        Assert.Equal(32, fingerprint.Length);
    }

    [Fact]
    public void The_order_in_a_list_role_matters()
    {
        Assert.NotEqual(
            Fingerprint(NewCompile(t => { t.Extras = ["x", "y"]; })),
            Fingerprint(NewCompile(t => { t.Extras = ["y", "x"]; })));
    }

    [Fact]
    public void Swapping_the_values_of_two_roles_changes_the_fingerprint()
    {
        Assert.NotEqual(
            Fingerprint(NewCompile(t => { t.Source = "a.c"; t.Header = "b.h"; })),
            Fingerprint(NewCompile(t => { t.Source = "b.h"; t.Header = "a.c"; })));
    }

    [Fact]
    public void A_missing_optional_role_differs_from_an_empty_list()
    {
        Assert.NotEqual(
            Fingerprint(NewCompile(t => { t.Extras = null; })),
            Fingerprint(NewCompile(t => { t.Extras = []; })));
    }

    [Fact]
    public void A_changed_execution_parameter_changes_the_fingerprint_but_not_the_dependency_fingerprint()
    {
        var one = NewCompile(t => { t.Level = 1; });
        var two = NewCompile(t => { t.Level = 2; });

        Assert.NotEqual(Fingerprint(one), Fingerprint(two));
        Assert.Equal(Fingerprint(one, dependenciesOnly: true), Fingerprint(two, dependenciesOnly: true));
        Assert.NotEqual(Fingerprint(one), Fingerprint(one, dependenciesOnly: true));
    }

    [Fact]
    public void A_changed_dependency_changes_the_dependency_fingerprint()
    {
        Assert.NotEqual(
            Fingerprint(NewCompile(), dependenciesOnly: true),
            Fingerprint(NewCompile(t => { t.Object = "b.o"; }), dependenciesOnly: true));
    }

    [Fact]
    public void An_explicit_environment_variable_value_enters_the_fingerprint()
    {
        Assert.NotEqual(
            Fingerprint(NewCompile(t => { t.Language = "de_CH"; })),
            Fingerprint(NewCompile(t => { t.Language = "fr_CH"; })));
        Assert.NotEqual(Fingerprint(NewCompile()), Fingerprint(NewCompile(t => { t.Language = ""; })));
    }

    [Fact]
    public void A_non_explicit_role_does_not_enter_the_fingerprint()
    {
        Assert.Equal(Fingerprint(NewCompile()), Fingerprint(NewCompile(t => { t.IncludedFiles = ["a.h"]; })));
    }

    [Fact]
    public void The_order_of_dictionary_entries_is_irrelevant()
    {
        var ab = new Dictionary<string, object?> { ["a"] = 1, ["b"] = new[] { "x" } };
        var ba = new Dictionary<string, object?> { ["b"] = new[] { "x" }, ["a"] = 1 };
        var other = new Dictionary<string, object?> { ["a"] = 1, ["b"] = new[] { "y" } };

        Assert.Equal(Fingerprint(NewCompile(t => { t.Options = ab; })), Fingerprint(NewCompile(t => { t.Options = ba; })));
        Assert.NotEqual(Fingerprint(NewCompile(t => { t.Options = ab; })), Fingerprint(NewCompile(t => { t.Options = other; })));
    }

    [Fact]
    public void Instances_of_different_tool_classes_with_equal_values_differ()
    {
        Assert.NotEqual(
            Fingerprint(new Copy { Source = "a", Destination = "b" }),
            Fingerprint(new Move { Source = "a", Destination = "b" }));
    }

    [Fact]
    public void A_non_fundamental_execution_parameter_is_a_definition_error()
    {
        var e = Assert.Throws<ToolDefinitionException>(() => Fingerprint(NewCompile(t => { t.Options = new object[] { 1, new Uri("http://x") }; })));

        Assert.Equal(
            "invalid tool class 'Compile': execution parameter 'Options' has a value of type 'System.Uri', which is not fundamental\n" +
            "  | use null, bool, numbers, strings, byte arrays, enums, paths, or lists and dictionaries of those",
            e.Message);
    }

    [Fact]
    public void The_dependency_fingerprint_ignores_non_fundamental_parameters()
    {
        Assert.Equal(32, Fingerprint(NewCompile(t => { t.Options = new object(); }), dependenciesOnly: true).Length);
    }

    // ---- description ----------------------------------------------------------------------------------------

    [Fact]
    public void Describe_lists_the_given_explicit_roles_in_role_order()
    {
        var compile = NewCompile(t => { t.Extras = ["x", "y"]; t.Language = "de_CH"; t.IncludedFiles = ["a.h"]; });

        Assert.Equal("Compile(Source='a.c', Extras=['x', 'y'], Language='de_CH', Object='a.o')", compile.ToString());
    }

    [Fact]
    public void Describe_of_an_instance_without_values_has_empty_parentheses()
    {
        Assert.Equal("Copy()", new Copy().ToString());
    }

    // ---- sample tool classes --------------------------------------------------------------------------------

    private abstract class Sample<TSelf> : Tool<TSelf> where TSelf : Sample<TSelf>
    {
        protected override Task<bool> RedoAsync(TSelf result, RedoContext context) => Task.FromResult(false);
    }

    private sealed class Ordering : Sample<Ordering>
    {
        [Output.RegularFile] public TreePath? A { get; init; }
        [Input.RegularFile(Required = false)] public TreePath? B { get; init; }
        [Input.RegularFile] public TreePath? Z { get; init; }
        [Input.Directory] public TreePath? C { get; init; }
        [Output.Directory(Required = false)] public TreePath? D { get; init; }
        [Input.EnvVar("E")] public EnvVarValue? E { get; init; }
    }

    private sealed class Compile : Sample<Compile>
    {
        [Input.RegularFile] public TreePath? Source { get; set; }
        [Input.RegularFile(Required = false)] public TreePath? Header { get; set; }
        [Input.RegularFile(Required = false)] public IReadOnlyList<TreePath>? Extras { get; set; }
        [Input.RegularFile(Required = false, Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }
        [Input.EnvVar("LANG", Required = false)] public EnvVarValue? Language { get; set; }
        [Output.RegularFile] public TreePath? Object { get; set; }
        [ExecutionParameter] public object? Options { get; set; }
        [ExecutionParameter] public int Level { get; set; }
    }

    private sealed class Link : Sample<Link>
    {
        [Input.RegularFile(MinCount = 1, MaxCount = 2)] public IReadOnlyList<TreePath>? Objects { get; set; }
        [Input.Directory(Required = false)] public TreePath? LibraryDirectory { get; set; }
        [Input.RegularFile(Required = false, Explicit = false)] public IReadOnlyList<TreePath>? Libraries { get; set; }
        [Input.EnvVar("LANG", Required = false, Pattern = "(?<language>[a-z]{2})_[A-Z]{2}", Example = "sv_SE")] public EnvVarValue? Language { get; set; }
        [Output.RegularFile] public TreePath? Executable { get; set; }
        [Output.RegularFile(Required = false, MinCount = 2)] public IReadOnlyList<TreePath>? Maps { get; set; }
    }

    private sealed class Copy : Sample<Copy>
    {
        [Input.RegularFile] public TreePath? Source { get; init; }
        [Output.RegularFile] public TreePath? Destination { get; init; }
    }

    private sealed class Move : Sample<Move>
    {
        [Input.RegularFile] public TreePath? Source { get; init; }
        [Output.RegularFile] public TreePath? Destination { get; init; }
    }

    private sealed class Untagged : Sample<Untagged>
    {
        [Input.RegularFile] public TreePath? Source { get; init; }
        public string? Name { get; set; }
    }

    private sealed class GetOnly : Sample<GetOnly>
    {
        [Input.RegularFile] public TreePath? Source { get; init; }
        public string Kind => "get-only";
    }

    private sealed class RoleAndParameter : Sample<RoleAndParameter>
    {
        [Input.RegularFile, ExecutionParameter] public TreePath? Source { get; init; }
    }

    private sealed class StringPath : Sample<StringPath>
    {
        [Input.RegularFile] public string? Source { get; init; }
    }

    private sealed class ArrayPath : Sample<ArrayPath>
    {
        [Input.RegularFile] public TreePath[]? Sources { get; init; }
    }

    private sealed class StringEnvVar : Sample<StringEnvVar>
    {
        [Input.EnvVar("LANG")] public string? Language { get; init; }
    }

    private sealed class ExampleMismatch : Sample<ExampleMismatch>
    {
        [Input.EnvVar("LEVEL", Pattern = "[0-9]+", Example = "high")] public EnvVarValue? Level { get; init; }
    }

    private sealed class PartialExample : Sample<PartialExample>
    {
        [Input.EnvVar("LEVEL", Pattern = "[0-9]+", Example = "12x")] public EnvVarValue? Level { get; init; }
    }

    private sealed class InvalidPattern : Sample<InvalidPattern>
    {
        [Input.EnvVar("LEVEL", Pattern = "(", Example = "1")] public EnvVarValue? Level { get; init; }
    }

    private sealed class InvalidCount : Sample<InvalidCount>
    {
        [Input.RegularFile(MinCount = 3, MaxCount = 2)] public IReadOnlyList<TreePath>? Sources { get; init; }
    }

    private sealed class NonExplicitWithoutSetter : Sample<NonExplicitWithoutSetter>
    {
        [Input.RegularFile(Explicit = false)] public TreePath? Included { get; private set; }
    }
}
