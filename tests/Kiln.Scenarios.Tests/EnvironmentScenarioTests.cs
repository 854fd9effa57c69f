using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// dlb-spec §11.1 case 16 (dlb's <c>RedoIfEnvironmentVariableModifiedTest</c>) and the rules of
/// <see cref="EnvironmentVariables"/> it relies on. Kiln's role name is the property name <c>LanguageCode</c>.
/// </summary>
public sealed class EnvironmentScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private static void SetLanguage(string value)
    {
        Context.Active.Env.ImportFromOuter("LANG", pattern: ".*", example: "");
        Context.Active.Env["LANG"] = value;
    }

    [Fact]
    public void A_changed_value_of_a_non_explicit_environment_variable_causes_a_redo()
    {
        var t = new LanguageTool();
        using (_tree.Enter())
        {
            SetLanguage("fr_FR");
            var first = t.Start();
            Assert.True(first);
            Assert.Equal("fr_FR", first.Complete().LanguageCode?.Raw);
            Assert.False(t.Start());
        }
        using (_tree.Enter())
        {
            SetLanguage("fr_FR");
            Assert.False(t.Start());
        }
        _tree.TakeOutput();
        using (_tree.Enter())
        {
            SetLanguage("it_IT");
            var changed = t.Start();
            Assert.Equal("redo necessary because of changed environment variable", changed.Reason?.ToString());
            Assert.Equal("it_IT", changed.Complete().LanguageCode?.Raw);
        }
        Assert.StartsWith("I redo necessary because of changed environment variable\n", _tree.TakeOutput());
    }

    [Fact]
    public void A_value_that_violates_the_role_pattern_fails_the_start()
    {
        using (_tree.Enter())
        {
            SetLanguage("_");
            var e = Assert.Throws<RedoException>(() => new StrictLanguageTool().Start());
            Assert.Equal(
                "input dependency 'LanguageCode' cannot use environment variable 'LANG'\n  | reason: value '_' is not matched by validation pattern '[a-z]+_[A-Z]+'",
                e.Message);
        }
    }

    // Deliberate difference: importing at the root takes the value from the process environment (dlb leaves
    // it undefined), so this test uses a variable the process does not have.
    [Fact]
    public void An_inner_context_inherits_values_and_patterns()
    {
        using (_tree.Enter())
        {
            Context.Active.Env.ImportFromOuter("KILN_SCENARIO_LANG", pattern: "[a-z]+_[A-Z]+", example: "de_CH");
            Context.Active.Env["KILN_SCENARIO_LANG"] = "de_CH";
            using (new Context())
            {
                Assert.Equal("de_CH", Context.Active.Env["KILN_SCENARIO_LANG"]);
                var mismatch = Assert.Throws<EnvironmentValueException>(() => Context.Active.Env.ImportFromOuter("KILN_SCENARIO_LANG", pattern: "..", example: "fr"));
                Assert.Equal("imported value of environment variable 'KILN_SCENARIO_LANG' is not matched by validation pattern: 'de_CH'\n  | validation pattern in question is '..'", mismatch.Message);
                Context.Active.Env.ImportFromOuter("KILN_SCENARIO_LANG", pattern: ".....", example: "fr_FR");
                var outer = Assert.Throws<EnvironmentValueException>(() => Context.Active.Env["KILN_SCENARIO_LANG"] = "fr");
                Assert.Equal("'value' is not matched by associated validation pattern: 'fr'\n  | validation pattern in question is '[a-z]+_[A-Z]+'", outer.Message);
                var inner = Assert.Throws<EnvironmentValueException>(() => Context.Active.Env["KILN_SCENARIO_LANG"] = "abcd_E");
                Assert.Equal("'value' is not matched by associated validation pattern: 'abcd_E'\n  | validation pattern in question is '.....'", inner.Message);
                Context.Active.Env["KILN_SCENARIO_LANG"] = "abc_D";
            }
            Assert.Equal("de_CH", Context.Active.Env["KILN_SCENARIO_LANG"]);
            Context.Active.Env["KILN_SCENARIO_LANG"] = "abcd_E"; // the inner context's pattern is gone with it
        }
    }

    // dlb raises AttributeError and KeyError; the texts are dlb's with Kiln's method names.
    [Fact]
    public void Only_imported_variables_can_be_set_and_only_defined_ones_read()
    {
        using (_tree.Enter())
        {
            var set = Assert.Throws<InvalidOperationException>(() => Context.Active.Env["KILN_SCENARIO_X"] = "1");
            Assert.Equal("environment variable not imported into context: 'KILN_SCENARIO_X'\n  | use 'Context.Active.Env.ImportFromOuter()' first", set.Message);
            var get = Assert.Throws<KeyNotFoundException>(() => Context.Active.Env["KILN_SCENARIO_X"]);
            Assert.StartsWith("not a defined environment variable in the context: 'KILN_SCENARIO_X'\n", get.Message);
        }
    }

    [Fact]
    public void The_environment_of_a_context_that_is_not_the_active_one_cannot_be_modified()
    {
        using (var outer = _tree.Enter())
        {
            using (new Context())
            {
                var e = Assert.Throws<ContextException>(() => outer.Env.ImportFromOuter("LANG", ".*", ""));
                Assert.StartsWith("context is not the active one\n", e.Message);
            }
        }
    }

    private string RunInRedo(Func<RedoContext, Task<string>> body, Action? prepare = null)
    {
        string? result = null;
        var script = ScriptedTool.Register(async (t, c) =>
        {
            result = await body(c);
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            return false;
        });
        using (_tree.Enter())
        {
            prepare?.Invoke();
            new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start().Complete();
        }
        return result!;
    }

    // dlb fact 10: helpers get an explicit environment, the context's variables plus forced ones, nothing else.
    [Fact]
    public void A_helper_sees_only_the_variables_of_the_context_and_the_forced_ones()
    {
        var output = RunInRedo(
            async c => (await c.RunHelperWithOutputAsync("sh", ["-c", "printf '%s|%s|%s' \"$KILN_SCENARIO_LANG\" \"$KILN_SCENARIO_FORCED\" \"$HOME\""],
                new HelperOptions { ForcedEnvironment = new Dictionary<string, string> { ["KILN_SCENARIO_FORCED"] = "f" } })).Output,
            () =>
            {
                Context.Active.Env.ImportFromOuter("KILN_SCENARIO_LANG", ".*", "");
                Context.Active.Env["KILN_SCENARIO_LANG"] = "de_CH";
            });
        Assert.Equal("de_CH|f|", output);
    }

    // dlb's prepare_arguments: a working-tree path becomes a path relative to the helper's working directory.
    [Fact]
    public void A_path_argument_is_given_to_a_helper_relative_to_its_working_directory()
    {
        _tree.Write("src/a.cpp", "a");
        var output = RunInRedo(async c =>
        {
            var fromRoot = await c.RunHelperWithOutputAsync("sh", ["-c", "printf '%s ' \"$0\" \"$(pwd)\"", (TreePath)"src/a.cpp"]);
            var fromSrc = await c.RunHelperWithOutputAsync("sh", ["-c", "printf '%s' \"$0\"", (TreePath)"src/a.cpp"], new HelperOptions { WorkingDirectory = "src/" });
            return fromRoot.Output + fromSrc.Output;
        });
        Assert.Equal($"./src/a.cpp {_tree.Root} ./a.cpp", output);
    }

    [Fact]
    public void A_helper_that_exits_with_an_unexpected_code_fails_the_redo()
    {
        var e = Assert.Throws<HelperExecutionException>(() => RunInRedo(async c =>
            (await c.RunHelperAsync("sh", ["-c", "echo complaint >&2; exit 3"], new HelperOptions { InheritOutput = false })).ToString()));
        Assert.Equal(3, e.ExitCode);
        Assert.StartsWith("execution of 'sh' returned unexpected exit code 3\n  | command: ", e.Message);
        Assert.EndsWith("/sh -c 'echo complaint >&2; exit 3'\n  | complaint", e.Message);
    }

    [Fact]
    public void An_expected_non_zero_exit_code_is_returned()
    {
        var code = RunInRedo(async c =>
            (await c.RunHelperAsync("sh", ["-c", "exit 3"], new HelperOptions { ExpectedExitCodes = new HashSet<int> { 0, 3 } })).ToString());
        Assert.Equal("3", code);
    }

    [Fact]
    public void An_unknown_helper_is_named_in_the_error()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => RunInRedo(async c =>
            (await c.RunHelperAsync("kiln-scenario-no-such-helper", [])).ToString()));
        Assert.StartsWith("not a known dynamic helper in the context: 'kiln-scenario-no-such-helper'\n", e.Message);
    }
}
