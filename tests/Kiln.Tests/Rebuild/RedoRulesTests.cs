using Kiln.Paths;
using Kiln.Rebuild;
using Kiln.Store;

namespace Kiln.Tests.Rebuild;

/// <summary>
/// The redo decision: one test per rule and per reason text (dlb-spec §8.6), and the order of the rules. Each test
/// starts from an up-to-date situation (<see cref="Baseline_is_up_to_date"/>) and changes one or two things.
/// </summary>
public sealed class RedoRulesTests
{
    private static readonly byte[] Env = [0xE];
    private static readonly byte[] Definition = [0xD];

    private static readonly FileMemo Source = RegularFile(size: 10, mtimeNs: 100);
    private static readonly FileMemo Object = RegularFile(size: 20, mtimeNs: 200);

    private static FileMemo RegularFile(long size = 10, long mtimeNs = 100) => new(FileKind.RegularFile, size, mtimeNs, 0x1A4, 1000, 100, null);

    private static FileMemo Directory() => new(FileKind.Directory, 4096, 300, 0x1ED, 1000, 100, null);

    private static FileMemo Symlink(string target) => new(FileKind.SymbolicLink, target.Length, 400, 0x1FF, 1000, 100, target);

    private static FileMemo Fifo() => new(FileKind.Other, 0, 500, 0x1A4, 1000, 100, null);

    private static ObservedInput Input(string path, FileMemo memo, bool isExplicit = true) =>
        new(TreePath.Parse(path), RunDatabase.EncodePath(TreePath.Parse(path)), isExplicit, memo);

    private static ObservedOutput Output(string path, FileMemo memo, FileKind expected = FileKind.RegularFile) =>
        new(TreePath.Parse(path), memo, expected);

    private static TracedInput Traced(string path, FileMemo? before, bool isExplicit = true) =>
        new(RunDatabase.EncodePath(TreePath.Parse(path)), isExplicit, before?.Encode());

    private static Observation Now(
        IReadOnlyList<ObservedOutput>? outputs = null,
        IReadOnlyList<ObservedInput>? explicitInputs = null,
        IReadOnlyList<ObservedInput>? nonExplicitInputs = null,
        IReadOnlyList<string>? undecodable = null,
        bool forced = false,
        byte[]? env = null,
        byte[]? definition = null,
        bool sibling = false) =>
        new(forced,
            outputs ?? [Output("a.o", Object)],
            explicitInputs ?? [Input("a.c", Source)],
            nonExplicitInputs ?? [],
            undecodable ?? [],
            env ?? Env,
            definition ?? Definition,
            "/src/Compile.cs",
            sibling);

    private static Trace Last(bool requested = false, byte[]? env = null, byte[]? definition = null, params TracedInput[] inputs) =>
        new(requested, env ?? Env, definition ?? Definition, inputs.Length == 0 ? [Traced("a.c", Source)] : inputs);

    private static RedoReason Reason(Observation now, Trace? last)
    {
        var decision = RedoRules.Decide(now, last);
        Assert.True(decision.IsNeeded, "a redo should be needed");
        return decision.Reason!;
    }

    private static void AssertObject(Observation now, Trace? last, string path, string detail)
    {
        var reason = Reason(now, last);
        Assert.Equal($"redo necessary because of filesystem object: '{path}'", reason.Summary);
        Assert.Equal(detail, reason.Detail);
        Assert.False(reason.IsSuspicious);
    }

    private static void AssertSummary(Observation now, Trace? last, string summary)
    {
        var reason = Reason(now, last);
        Assert.Equal(summary, reason.Summary);
        Assert.Null(reason.Detail);
    }

    [Fact]
    public void Baseline_is_up_to_date()
    {
        Assert.Same(RedoDecision.UpToDate, RedoRules.Decide(Now(), Last()));
    }

    // ---- 1. explicit outputs ---------------------------------------------------------------------------------

    [Fact]
    public void Redo_is_needed_when_an_explicit_output_does_not_exist()
    {
        AssertObject(Now(outputs: [Output("a.o", FileMemo.Missing)]), Last(), "a.o", "does not exist");
    }

    [Fact]
    public void Redo_is_needed_when_a_regular_file_output_is_not_a_regular_file()
    {
        AssertObject(Now(outputs: [Output("a.o", Directory())]), Last(), "a.o", "filesystem object exists but is not a regular file");
        AssertObject(Now(outputs: [Output("a.o", Symlink("x"))]), Last(), "a.o", "filesystem object exists but is not a regular file");
    }

    [Fact]
    public void Redo_is_needed_when_a_directory_output_is_not_a_directory()
    {
        AssertObject(Now(outputs: [Output("d/", RegularFile(), FileKind.Directory)]), Last(), "d/", "filesystem object exists but is not a directory");
    }

    [Fact]
    public void Redo_is_needed_when_a_non_regular_output_is_a_directory()
    {
        AssertObject(Now(outputs: [Output("l", Directory(), FileKind.Other)]), Last(), "l", "filesystem object exists but is a directory");
    }

    [Fact]
    public void Redo_is_needed_when_a_non_regular_output_is_a_regular_file()
    {
        AssertObject(Now(outputs: [Output("l", RegularFile(), FileKind.Other)]), Last(), "l", "filesystem object exists but is a regular file");
    }

    [Fact]
    public void A_non_regular_output_may_be_a_symbolic_link_or_a_fifo()
    {
        Assert.False(RedoRules.Decide(Now(outputs: [Output("l", Symlink("x"), FileKind.Other), Output("f", Fifo(), FileKind.Other)]), Last()).IsNeeded);
    }

    [Fact]
    public void The_first_problematic_output_gives_the_reason()
    {
        AssertObject(Now(outputs: [Output("a.o", Object), Output("b.o", FileMemo.Missing), Output("c.o", Directory())]), Last(), "b.o", "does not exist");
    }

    // ---- 2. inputs of the last redo -------------------------------------------------------------------------

    [Fact]
    public void Redo_is_needed_when_an_encoded_path_of_the_last_redo_is_invalid()
    {
        var reason = Reason(Now(undecodable: ["a//b/"]), Last());

        Assert.Equal("redo necessary because of invalid encoded path: 'a//b/'", reason.Summary);
        Assert.Null(reason.Detail);
        Assert.True(reason.IsSuspicious);
    }

    [Fact]
    public void Redo_is_needed_when_a_non_explicit_input_of_the_last_redo_vanished()
    {
        var now = Now(nonExplicitInputs: [Input("a.h", FileMemo.Missing, isExplicit: false)]);

        AssertSummary(now, Last(inputs: [Traced("a.c", Source), Traced("a.h", RegularFile(), isExplicit: false)]), "redo necessary because of non-existent filesystem object: 'a.h'");
    }

    [Fact]
    public void A_non_explicit_input_that_did_not_exist_and_still_does_not_is_no_reason()
    {
        var now = Now(nonExplicitInputs: [Input("a.h", FileMemo.Missing, isExplicit: false)]);

        Assert.False(RedoRules.Decide(now, Last(inputs: [Traced("a.c", Source), Traced("a.h", FileMemo.Missing, isExplicit: false)])).IsNeeded);
    }

    [Fact]
    public void A_vanished_non_explicit_input_potentially_changed_by_a_redo_is_reported_as_such()
    {
        var now = Now(nonExplicitInputs: [Input("a.h", FileMemo.Missing, isExplicit: false)]);

        AssertObject(now, Last(inputs: [Traced("a.c", Source), Traced("a.h", null, isExplicit: false)]), "a.h", "was a new dependency or was potentially changed by a redo");
    }

    // ---- 3. forced ------------------------------------------------------------------------------------------

    [Fact]
    public void Redo_is_needed_when_the_start_forces_it()
    {
        AssertSummary(Now(forced: true), Last(), "redo requested by start()");
    }

    // ---- 4. no known redo -----------------------------------------------------------------------------------

    [Fact]
    public void Redo_is_needed_when_not_run_before()
    {
        AssertSummary(Now(), null, "redo necessary because not run before");
    }

    [Fact]
    public void Redo_is_needed_because_execution_parameters_changed_when_only_a_sibling_ran_before()
    {
        AssertSummary(Now(sibling: true), null, "redo necessary because execution parameters have changed");
    }

    [Fact]
    public void A_sibling_is_irrelevant_when_this_instance_ran_before()
    {
        Assert.False(RedoRules.Decide(Now(sibling: true), Last()).IsNeeded);
    }

    // ---- 5. to 7. redo state --------------------------------------------------------------------------------

    [Fact]
    public void Redo_is_needed_when_the_last_redo_requested_one()
    {
        AssertSummary(Now(), Last(requested: true), "redo requested by last successful redo");
    }

    [Fact]
    public void Redo_is_needed_when_an_environment_variable_changed()
    {
        AssertSummary(Now(env: [0xF]), Last(), "redo necessary because of changed environment variable");
    }

    [Fact]
    public void Redo_is_needed_when_the_tool_definition_changed()
    {
        AssertSummary(Now(definition: [0xC]), Last(), "redo necessary because tool definition has changed: '/src/Compile.cs'");
    }

    // ---- 8. inputs compared with the state before the last redo ---------------------------------------------

    [Fact]
    public void Redo_is_needed_when_an_explicit_input_is_not_in_the_trace()
    {
        AssertObject(Now(explicitInputs: [Input("a.c", Source), Input("b.c", Source)]), Last(), "b.c", "output dependency of a tool instance potentially changed by a redo");
    }

    [Fact]
    public void Redo_is_needed_when_an_explicit_input_was_potentially_changed_by_a_redo()
    {
        AssertObject(Now(), Last(inputs: [Traced("a.c", null)]), "a.c", "output dependency of a tool instance potentially changed by a redo");
    }

    [Fact]
    public void Redo_is_needed_when_a_non_explicit_input_is_new_or_potentially_changed_by_a_redo()
    {
        var now = Now(nonExplicitInputs: [Input("a.h", RegularFile(), isExplicit: false)]);

        AssertObject(now, Last(), "a.h", "was a new dependency or was potentially changed by a redo");
        AssertObject(now, Last(inputs: [Traced("a.c", Source), Traced("a.h", null, isExplicit: false)]), "a.h", "was a new dependency or was potentially changed by a redo");
    }

    [Fact]
    public void Redo_is_needed_when_the_state_before_the_last_redo_is_unknown()
    {
        var garbage = new TracedInput("a.c/", true, [9, 9, 9]);

        AssertObject(Now(), Last(inputs: [garbage]), "a.c", "state before last successful redo is unknown");
    }

    [Fact]
    public void Redo_is_needed_when_an_explicit_input_did_not_exist_before_the_last_redo()
    {
        AssertObject(Now(), Last(inputs: [Traced("a.c", FileMemo.Missing)]), "a.c", "filesystem object did not exist");
    }

    [Fact]
    public void Redo_is_needed_when_the_existence_of_an_input_changed()
    {
        var appeared = Now(nonExplicitInputs: [Input("a.h", RegularFile(), isExplicit: false)]);
        var vanished = Now(explicitInputs: [Input("a.c", FileMemo.Missing)]);

        AssertObject(appeared, Last(inputs: [Traced("a.c", Source), Traced("a.h", FileMemo.Missing, isExplicit: false)]), "a.h", "existence has changed");
        AssertObject(vanished, Last(), "a.c", "existence has changed");
    }

    [Fact]
    public void Redo_is_needed_when_the_type_of_an_input_changed()
    {
        AssertObject(Now(explicitInputs: [Input("a.c", Fifo())]), Last(), "a.c", "type of filesystem object has changed");
    }

    [Fact]
    public void Redo_is_needed_when_the_target_of_a_symbolic_link_changed()
    {
        AssertObject(Now(explicitInputs: [Input("l", Symlink("b"))]), Last(inputs: [Traced("l", Symlink("a"))]), "l", "symbolic link target has changed");
    }

    [Fact]
    public void Redo_is_needed_when_the_size_of_an_input_changed()
    {
        AssertObject(Now(explicitInputs: [Input("a.c", Source with { Size = 11 })]), Last(), "a.c", "size has changed");
    }

    [Fact]
    public void Redo_is_needed_when_the_mtime_of_an_input_changed()
    {
        AssertObject(Now(explicitInputs: [Input("a.c", Source with { MtimeNs = 101 })]), Last(), "a.c", "mtime has changed");
    }

    [Theory]
    [InlineData(0x1B6u, 1000u, 100u)]
    [InlineData(0x1A4u, 0u, 100u)]
    [InlineData(0x1A4u, 1000u, 0u)]
    public void Redo_is_needed_when_permissions_or_owner_of_an_input_changed(uint mode, uint uid, uint gid)
    {
        var changed = Source with { Mode = mode, Uid = uid, Gid = gid };

        AssertObject(Now(explicitInputs: [Input("a.c", changed)]), Last(), "a.c", "permissions or owner have changed");
    }

    [Fact]
    public void An_unchanged_directory_input_and_non_explicit_input_are_no_reason()
    {
        var now = Now(explicitInputs: [Input("a.c", Source), Input("inc/", Directory())], nonExplicitInputs: [Input("a.h", RegularFile(1, 1), isExplicit: false)]);

        var decision = RedoRules.Decide(now, Last(inputs: [Traced("a.c", Source), Traced("inc/", Directory()), Traced("a.h", RegularFile(1, 1), isExplicit: false)]));

        Assert.False(decision.IsNeeded);
        Assert.Null(decision.Reason);
    }

    // ---- order of the rules ---------------------------------------------------------------------------------

    [Fact]
    public void A_missing_output_wins_over_everything_else()
    {
        var now = Now(outputs: [Output("a.o", FileMemo.Missing)], undecodable: ["x"], forced: true, env: [0], definition: [0]);

        AssertObject(now, null, "a.o", "does not exist");
    }

    [Fact]
    public void An_invalid_encoded_path_wins_over_a_vanished_input()
    {
        var now = Now(undecodable: ["x"], nonExplicitInputs: [Input("a.h", FileMemo.Missing, isExplicit: false)]);

        AssertSummary(now, Last(inputs: [Traced("a.c", Source), Traced("a.h", RegularFile(), isExplicit: false)]), "redo necessary because of invalid encoded path: 'x'");
    }

    [Fact]
    public void A_vanished_input_wins_over_a_forced_redo()
    {
        var now = Now(forced: true, nonExplicitInputs: [Input("a.h", FileMemo.Missing, isExplicit: false)]);

        AssertSummary(now, Last(inputs: [Traced("a.c", Source), Traced("a.h", RegularFile(), isExplicit: false)]), "redo necessary because of non-existent filesystem object: 'a.h'");
    }

    [Fact]
    public void A_forced_redo_wins_over_not_run_before()
    {
        AssertSummary(Now(forced: true), null, "redo requested by start()");
    }

    [Fact]
    public void A_forced_redo_wins_over_a_requested_one()
    {
        AssertSummary(Now(forced: true), Last(requested: true), "redo requested by start()");
    }

    [Fact]
    public void A_requested_redo_wins_over_a_changed_environment()
    {
        AssertSummary(Now(env: [0]), Last(requested: true), "redo requested by last successful redo");
    }

    [Fact]
    public void A_changed_environment_wins_over_a_changed_definition()
    {
        AssertSummary(Now(env: [0], definition: [0]), Last(), "redo necessary because of changed environment variable");
    }

    [Fact]
    public void A_changed_definition_wins_over_a_changed_input()
    {
        AssertSummary(Now(definition: [0], explicitInputs: [Input("a.c", Source with { MtimeNs = 1 })]), Last(), "redo necessary because tool definition has changed: '/src/Compile.cs'");
    }

    [Fact]
    public void Explicit_inputs_are_compared_before_non_explicit_ones_and_in_their_order()
    {
        var now = Now(
            explicitInputs: [Input("a.c", Source), Input("b.c", Source with { MtimeNs = 1 }), Input("c.c", Source with { Size = 1 })],
            nonExplicitInputs: [Input("a.h", RegularFile(size: 2), isExplicit: false)]);

        AssertObject(now, Last(inputs: [Traced("a.c", Source), Traced("b.c", Source), Traced("c.c", Source), Traced("a.h", RegularFile(), isExplicit: false)]), "b.c", "mtime has changed");
    }

    [Fact]
    public void Per_input_the_type_wins_over_the_size_and_the_size_over_the_mtime()
    {
        AssertObject(Now(explicitInputs: [Input("a.c", Fifo())]), Last(inputs: [Traced("a.c", Source with { MtimeNs = 7 })]), "a.c", "type of filesystem object has changed");
        AssertObject(Now(explicitInputs: [Input("a.c", Source with { Size = 1, MtimeNs = 1, Mode = 0 })]), Last(), "a.c", "size has changed");
        AssertObject(Now(explicitInputs: [Input("a.c", Source with { MtimeNs = 1, Mode = 0 })]), Last(), "a.c", "mtime has changed");
    }

    [Fact]
    public void Per_input_the_symbolic_link_target_wins_over_the_size()
    {
        AssertObject(Now(explicitInputs: [Input("l", Symlink("bb"))]), Last(inputs: [Traced("l", Symlink("a"))]), "l", "symbolic link target has changed");
    }

    [Fact]
    public void A_potentially_changed_input_wins_over_a_later_changed_one()
    {
        var now = Now(explicitInputs: [Input("a.c", Source), Input("b.c", Source with { Size = 1 })]);

        AssertObject(now, Last(inputs: [Traced("a.c", null), Traced("b.c", Source)]), "a.c", "output dependency of a tool instance potentially changed by a redo");
    }
}
