namespace Kiln.Scenarios.Tests;

/// <summary>
/// dlb-spec §11.1 cases 8–19 (dlb's <c>test_ex_tool_run.py</c>) on real temporary working trees: build, edit,
/// build again, assert the redos and their reasons (as <see cref="Kiln.Rebuild.RedoReason"/> and as logged).
/// </summary>
public sealed class RedoScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private ATool Compile() => new() { SourceFile = "src/a.cpp", ObjectFile = "a.o" };

    [Fact]
    public void No_redo_is_needed_when_no_input_was_modified()
    {
        _tree.Write("src/a.cpp", "int a;");
        bool first, second, third, fourth;
        using (_tree.Enter())
        {
            first = Compile().Start();
            Context.Active.CompletePendingRedos();
            second = Compile().Start();
            third = new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start();
        }
        using (_tree.Enter())
            fourth = Compile().Start();
        Assert.Equal([true, false, false, false], new[] { first, second, third, fourth });
        Assert.Equal("int a;", _tree.Read("a.o"));
    }

    [Fact]
    public void A_redo_is_needed_when_the_input_mtime_or_size_changed()
    {
        _tree.Write("src/a.cpp", "int a;");
        using (_tree.Enter())
            Compile().Start();
        _tree.Write("src/a.cpp", "int b;");
        _tree.TakeOutput();
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: mtime has changed)", Compile().Start().Reason?.ToString());
        Assert.Contains("I redo necessary because of filesystem object: 'src/a.cpp' \n  | reason: mtime has changed\n", _tree.TakeOutput());
        _tree.Write("src/a.cpp", "int bb;");
        using (_tree.Enter())
        {
            Assert.Equal("size has changed", Compile().Start().Reason?.Detail);
            Context.Active.CompletePendingRedos();
            Assert.False(Compile().Start());
        }
    }

    [Fact]
    public void A_missing_output_causes_a_redo_that_recreates_it()
    {
        _tree.Write("src/a.cpp", "x");
        using (_tree.Enter())
            Compile().Start();
        File.Delete(_tree.PathOf("a.o"));
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'a.o' (reason: does not exist)", Compile().Start().Reason?.ToString());
        Assert.True(File.Exists(_tree.PathOf("a.o")));
    }

    [Fact]
    public void An_output_of_the_wrong_kind_is_removed_before_the_redo()
    {
        _tree.Write("src/a.cpp", "x");
        Directory.CreateDirectory(_tree.PathOf("a.o"));
        using (_tree.Enter())
            Assert.Equal("filesystem object exists but is not a regular file", Compile().Start().Reason?.Detail);
        Assert.True(File.Exists(_tree.PathOf("a.o")));
    }

    [Fact]
    public void Non_explicit_inputs_are_tracked_from_the_second_run_on()
    {
        _tree.Write("a.cpp", "x");
        var t = new FTool { SourceFile = "a.cpp", ObjectFile = "a.o" };
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'a.o' (reason: does not exist)", t.Start().Reason?.ToString());
            Context.Active.CompletePendingRedos();
            Assert.Equal("redo necessary because of filesystem object: 'a.h' (reason: was a new dependency or was potentially changed by a redo)", t.Start().Reason?.ToString());
        }
        using (_tree.Enter())
        {
            _tree.Write("a.h", "h");
            Assert.Equal("existence has changed", t.Start().Reason?.Detail);
        }
        using (_tree.Enter())
            Assert.False(t.Start());
        File.Delete(_tree.PathOf("a.h"));
        using (_tree.Enter())
            Assert.Equal("redo necessary because of non-existent filesystem object: 'a.h'", t.Start().Reason?.ToString());
        using (_tree.Enter())
            Assert.False(t.Start());
    }

    [Fact]
    public void A_consumer_of_another_instances_output_is_redone_after_that_redo()
    {
        _tree.Write("src/a.cpp", "a");
        _tree.Write("src/b.cpp", "b");
        var t = Compile();
        var t2 = new ATool { SourceFile = "src/b.cpp", ObjectFile = "src/a.cpp" };
        using (_tree.Enter())
            t.Start();
        using (_tree.Enter())
            t2.Start();
        using (_tree.Enter())
        {
            Assert.Equal("output dependency of a tool instance potentially changed by a redo", t.Start().Reason?.Detail);
            Context.Active.CompletePendingRedos();
            Assert.False(t.Start());
        }
        Assert.Equal("b", _tree.Read("a.o"));
    }

    [Fact]
    public void Forcing_a_redo_gives_its_own_reason()
    {
        _tree.Write("src/a.cpp", "a");
        using (_tree.Enter())
        {
            Compile().Start();
            Context.Active.CompletePendingRedos();
            Assert.False(Compile().Start());
            Assert.Equal("redo requested by start()", Compile().Start(forceRedo: true).Reason?.ToString());
        }
    }

    private static bool[] Redos(params bool[] redos) => redos;

    // Case 8, with dlb's exact sequence in one context and a second one.
    [Fact]
    public void A_second_start_of_the_same_instance_waits_for_the_first_redo_and_needs_none()
    {
        _tree.Write("src/a.cpp", "int a;");
        _tree.Write("a.o", "");
        var t = Compile();
        using (_tree.Enter())
        {
            var first = t.Start();
            var second = t.Start();
            Assert.True(first.IsComplete);
            Assert.Equal(Redos(true, false), new[] { first.IsRedo, second.IsRedo });
        }
        Assert.Contains("I redo necessary because not run before\n", _tree.TakeOutput());
    }

    // Case 9, exactly as dlb: same size rewrite outside a context, then a one-byte write inside one.
    [Fact]
    public void An_input_rewritten_with_the_same_size_is_redone_for_its_mtime_and_then_for_its_size()
    {
        _tree.Write("src/a.cpp", "int a;");
        var t = Compile();
        using (_tree.Enter())
            Assert.True(t.Start());
        _tree.Write("src/a.cpp", "int b;");
        _tree.TakeOutput();
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: mtime has changed)", t.Start().Reason?.ToString());
            Assert.False(t.Start());
        }
        Assert.Contains("I redo necessary because of filesystem object: 'src/a.cpp' \n  | reason: mtime has changed\n", _tree.TakeOutput());
        using (_tree.Enter())
        {
            File.AppendAllText(_tree.PathOf("src/a.cpp"), "\n");
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: size has changed)", t.Start().Reason?.ToString());
            Assert.False(t.Start());
        }
        using (_tree.Enter())
            Assert.False(t.Start());
        Assert.Equal("int b;\n", _tree.Read("a.o"));
    }

    // Case 10 (dlb skips it as root; Kiln's check needs no read permission, so it runs as any user).
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_changed_mode_of_an_input_causes_a_redo()
    {
        _tree.Write("src/a.cpp", "int a;");
        var t = Compile();
        using (_tree.Enter())
            t.Start();
        File.SetUnixFileMode(_tree.PathOf("src/a.cpp"), UnixFileMode.None);
        File.SetUnixFileMode(_tree.PathOf("src/a.cpp"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: permissions or owner have changed)", t.Start().Reason?.ToString());
            Assert.False(t.Start());
        }
    }

    // Case 11.
    [Fact]
    public void A_retargeted_symbolic_link_and_a_link_replaced_by_a_fifo_cause_redos()
    {
        _tree.Write("src/a.cpp", "int a;");
        File.CreateSymbolicLink(_tree.PathOf("src/n"), "a/");
        var t = new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o", DummyFile = "src/n" };
        using (_tree.Enter())
            Assert.True(t.Start());

        File.Delete(_tree.PathOf("src/n"));
        File.CreateSymbolicLink(_tree.PathOf("src/n"), "a");
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'src/n' (reason: symbolic link target has changed)", t.Start().Reason?.ToString());
            Assert.False(t.Start());
        }

        File.Delete(_tree.PathOf("src/n"));
        MakeFifo(_tree.PathOf("src/n"));
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'src/n' (reason: type of filesystem object has changed)", t.Start().Reason?.ToString());
            Assert.False(t.Start());
        }
    }

    // Case 13, with the logged message (Kiln's detail for a missing output is "does not exist"; dlb prints the
    // text of the exception that lstat raised).
    [Fact]
    public void A_deleted_output_is_redone_with_the_reason_logged()
    {
        _tree.Write("src/a.cpp", "x");
        using (_tree.Enter())
            Compile().Start();
        File.Delete(_tree.PathOf("a.o"));
        _tree.TakeOutput();
        using (_tree.Enter())
            Compile().Start();
        Assert.StartsWith("I redo necessary because of filesystem object: 'a.o' \n  | reason: does not exist\n", _tree.TakeOutput());
        Assert.True(File.Exists(_tree.PathOf("a.o")));
    }

    // Case 13, the directory variant.
    [Fact]
    public void An_output_replaced_by_a_directory_is_redone_with_the_reason_logged()
    {
        _tree.Write("src/a.cpp", "x");
        using (_tree.Enter())
            Compile().Start();
        File.Delete(_tree.PathOf("a.o"));
        _tree.Write("a.o/inner", "i");
        _tree.TakeOutput();
        using (_tree.Enter())
            Compile().Start();
        Assert.StartsWith("I redo necessary because of filesystem object: 'a.o' \n  | reason: filesystem object exists but is not a regular file\n", _tree.TakeOutput());
        Assert.Equal("x", _tree.Read("a.o"));
    }

    // Case 14: swapped roles.
    [Fact]
    public void Swapping_the_paths_of_two_input_roles_makes_a_new_tool_instance()
    {
        _tree.Write("a.c", "a");
        _tree.Write("b.c", "b");
        using (_tree.Enter())
        {
            var first = new PairTool { FirstFile = "a.c", SecondFile = "b.c", ObjectFile = "o" }.Start();
            Context.Active.CompletePendingRedos();
            var swapped = new PairTool { FirstFile = "b.c", SecondFile = "a.c", ObjectFile = "o" }.Start();
            Assert.Equal("redo necessary because not run before", swapped.Reason?.ToString());
            Assert.NotEqual(first.InstanceId, swapped.InstanceId);
        }
        Assert.Equal("ba", _tree.Read("o"));
    }

    // Case 14: list order.
    [Fact]
    public void Changing_the_order_of_a_list_role_makes_a_new_tool_instance()
    {
        _tree.Write("src/a.cpp", "a");
        Directory.CreateDirectory(_tree.PathOf("a"));
        Directory.CreateDirectory(_tree.PathOf("b"));
        using (_tree.Enter())
        {
            var ab = new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o", IncludeDirectories = ["a/", "b/"] }.Start();
            Context.Active.CompletePendingRedos();
            var ba = new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o", IncludeDirectories = ["b/", "a/"] }.Start();
            Assert.Equal("redo necessary because not run before", ba.Reason?.ToString());
            Assert.NotEqual(ab.InstanceId, ba.InstanceId);
        }
    }

    // Case 15. Deliberate difference: dlb says "not run before" for a changed execution parameter; Kiln
    // recognises the same tool with the same dependencies and says why.
    [Fact]
    public void Equal_execution_parameters_share_an_instance_and_a_changed_one_causes_a_redo()
    {
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because not run before", new BTool().Start().Reason?.ToString());
            Context.Active.CompletePendingRedos();
            Assert.False(new BTool { Xyz = [] }.Start());
            Assert.Equal("redo necessary because execution parameters have changed", new BTool { Xyz = [1] }.Start().Reason?.ToString());
        }
        Assert.Contains("I redo necessary because execution parameters have changed\n", _tree.TakeOutput());
    }

    // Case 17: the redo's return value.
    [Fact]
    public void A_redo_that_requests_another_one_is_redone_every_time()
    {
        _tree.Write("a.o", "");
        var t = new RequestingTool { ObjectFile = "a.o" };
        var reasons = new List<string?>();
        using (_tree.Enter())
        {
            reasons.Add(t.Start().Reason?.ToString());
            reasons.Add(t.Start().Reason?.ToString());
        }
        using (_tree.Enter())
            reasons.Add(t.Start().Reason?.ToString());
        Assert.Equal(["redo necessary because not run before", "redo requested by last successful redo", "redo requested by last successful redo"], reasons);
        Assert.Contains("I redo requested by last successful redo\n", _tree.TakeOutput());
    }

    // Case 17: forced.
    [Fact]
    public void A_forced_start_redoes_every_time()
    {
        var t = new BTool();
        using (_tree.Enter())
        {
            var redos = new[] { t.Start(), t.Start(), t.Start(forceRedo: true), t.Start(forceRedo: true) };
            Assert.Equal(Redos(true, false, true, true), redos.Select(r => r.IsRedo));
            Assert.Equal("redo requested by start()", redos[3].Reason?.ToString());
        }
        Assert.Contains("I redo requested by start()\n", _tree.TakeOutput());
    }

    // Case 18, with the logged messages.
    [Fact]
    public void Non_explicit_inputs_are_logged_as_new_then_as_changed_then_as_vanished()
    {
        _tree.Write("a.cpp", "x");
        var t = new FTool { SourceFile = "a.cpp", ObjectFile = "a.o" };
        using (_tree.Enter())
        {
            t.Start();
            Context.Active.CompletePendingRedos();
            _tree.TakeOutput();
            Assert.True(t.Start());
            Assert.False(t.Start());
        }
        Assert.Contains("I redo necessary because of filesystem object: 'a.h' \n  | reason: was a new dependency or was potentially changed by a redo\n", _tree.TakeOutput());
        using (_tree.Enter())
        {
            _tree.Write("a.h", "h");
            Assert.True(t.Start());
            Assert.False(t.Start());
        }
        Assert.Contains("I redo necessary because of filesystem object: 'a.h' \n  | reason: existence has changed\n", _tree.TakeOutput());
        using (_tree.Enter())
        {
            File.Delete(_tree.PathOf("a.h"));
            Assert.True(t.Start());
            Assert.False(t.Start());
        }
        Assert.Contains("I redo necessary because of non-existent filesystem object: 'a.h'\n", _tree.TakeOutput());
    }

    // Case 19, the decision alone (end to end, with a tool compiled at test time: ToolDefinitionScenarioTests).
    // The test replaces the run's cached digest of SampleTools.cs, as an edit of that file would.
    [Fact]
    public void A_changed_tool_definition_causes_a_redo()
    {
        _tree.Write("src/a.cpp", "x");
        using (_tree.Enter())
            Compile().Start();
        string file;
        using (var context = _tree.Enter())
        {
            file = ToolDefinitions.IdentityOf(typeof(ATool), context.RootPath, new()).Definition;
            Assert.EndsWith("/SampleTools.cs", file);
            context.Run.DefinitionDigests[file] = new byte[32];
            Assert.Equal($"redo necessary because tool definition has changed: '{file}'", Compile().Start().Reason?.ToString());
        }
        Assert.Contains($"I redo necessary because tool definition has changed: '{file}'\n", _tree.TakeOutput());
        using (_tree.Enter())
            Assert.Equal($"redo necessary because tool definition has changed: '{file}'", Compile().Start().Reason?.ToString());
        using (_tree.Enter())
            Assert.False(Compile().Start());
    }

    // dlb logs "wait for last redo to complete" at level run_serialization (INFO) when a start finds a redo of the
    // same instance still pending. The redo is held until that message is written.
    [Fact]
    public void A_start_that_waits_for_a_pending_redo_of_the_same_instance_says_so()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new SignallingWriter("wait for last redo", waiting);
        var configuration = new Configuration { Log = new Diagnostics.DiagnosticLog(output) };
        var script = ScriptedTool.Register(async (t, c) =>
        {
            // Bounded only so that an engine that does not say it waits fails this test instead of hanging it.
            await Task.WhenAny(waiting.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            return false;
        });
        var t = new ScriptedTool { Script = script, ObjectFile = "a.o" };
        StartedRun<ScriptedTool> first, second;
        using (_tree.Enter(configuration))
        {
            first = t.Start();
            second = t.Start();
            Assert.True(first.IsComplete);
        }
        Assert.Equal(Redos(true, false), new[] { first.IsRedo, second.IsRedo });
        Assert.Contains("I wait for last redo of ScriptedTool → a.o to complete\n", output.ToString());
    }

    // dlb's G-D1/G-D2: the state remembered is the one before the redo, so an explicit input modified while the
    // redo runs causes another redo.
    [Fact]
    public void An_explicit_input_modified_during_its_redo_causes_another_redo()
    {
        _tree.Write("src/a.cpp", "int a;");
        var script = ScriptedTool.Register(async (t, c) =>
        {
            var text = await File.ReadAllTextAsync(c.NativePathOf(t.SourceFile!));
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), text);
            await File.WriteAllTextAsync(c.NativePathOf(t.SourceFile!), "int b;");
            return false;
        });
        var t = new ScriptedTool { Script = script, SourceFile = "src/a.cpp", ObjectFile = "a.o" };
        using (_tree.Enter())
            Assert.True(t.Start());
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: mtime has changed)", t.Start().Reason?.ToString());
    }

    // As above for a non-explicit input that the redo declares for the first time: Kiln remembers a new
    // dependency's state only when it was last modified before the redo started (dlb never does).
    [Fact]
    public void A_new_non_explicit_input_modified_during_the_redo_causes_another_redo()
    {
        var script = HeaderTool.Register(async (tool, c) =>
        {
            await File.WriteAllTextAsync(c.NativePathOf(tool.ObjectFile), "o");
            await File.WriteAllTextAsync(c.NativePathOf("n.h"), "n2");
            return false;
        });
        _tree.Write("n.h", "n1");
        var withHeader = new HeaderTool { Script = script, ObjectFile = "n.o" };
        using (_tree.Enter())
            Assert.True(withHeader.Start());
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'n.h' (reason: was a new dependency or was potentially changed by a redo)", withHeader.Start().Reason?.ToString());
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'n.h' (reason: mtime has changed)", withHeader.Start().Reason?.ToString());
    }

    // A failed redo stores nothing: the next run redoes for the same reason.
    [Fact]
    public void A_failed_redo_is_redone_in_the_next_run_for_the_same_reason()
    {
        _tree.Write("src/a.cpp", "a");
        var fail = true;
        var script = ScriptedTool.Register(async (t, c) =>
        {
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            if (fail)
                throw new InvalidOperationException("compiler crashed");
            return false;
        });
        var t = new ScriptedTool { Script = script, SourceFile = "src/a.cpp", ObjectFile = "a.o" };
        fail = false;
        using (_tree.Enter())
            t.Start();
        _tree.Write("src/a.cpp", "b");
        fail = true;
        Assert.Equal("compiler crashed", Assert.Throws<InvalidOperationException>(() =>
        {
            using (_tree.Enter())
                t.Start();
        }).Message);
        fail = false;
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: mtime has changed)", t.Start().Reason?.ToString());
            Assert.False(t.Start());
        }
    }

    // dlb fact 7: absolute inputs outside the working tree are accepted and never cause a redo.
    [Fact]
    public void An_input_outside_the_working_tree_is_not_tracked()
    {
        var outside = Path.Combine(Path.GetTempPath(), "kiln-scenario-outside-" + Guid.NewGuid().ToString("N")[..12]);
        File.WriteAllText(outside, "1");
        try
        {
            var t = new ATool { SourceFile = outside, ObjectFile = "a.o" };
            using (_tree.Enter())
                Assert.True(t.Start());
            File.WriteAllText(outside, "22");
            using (_tree.Enter())
                Assert.False(t.Start());
            Assert.Equal("1", _tree.Read("a.o"));
        }
        finally
        {
            File.Delete(outside);
        }
    }

    // dlb: runs older than max_dependency_age are forgotten with what their redos remembered.
    [Fact]
    public void What_a_forgotten_run_remembered_is_redone()
    {
        _tree.Write("src/a.cpp", "a");
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var configuration = new Configuration { Log = _tree.Configuration.Log, Time = clock, MaxDependencyAge = TimeSpan.FromDays(2) };
        using (_tree.Enter(configuration))
            Compile().Start();
        clock.Now += TimeSpan.FromDays(1);
        using (_tree.Enter(configuration))
            Assert.False(Compile().Start());
        clock.Now += TimeSpan.FromDays(1.5);
        using (_tree.Enter(configuration))
            Assert.Equal("redo necessary because not run before", Compile().Start().Reason?.ToString());
    }

    [Fact]
    public void A_redo_that_does_not_assign_a_required_non_explicit_role_fails()
    {
        _tree.Write("a.cpp", "a");
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ForgetfulTool { SourceFile = "a.cpp", ObjectFile = "a.o" }.Start();
        });
        Assert.Equal("non-explicit dependency not assigned during redo: 'IncludedFiles'\n  | use 'result.IncludedFiles = …' in the body of RedoAsync", e.Message);
    }

    [Fact]
    public void A_redo_that_does_not_create_an_explicit_output_fails()
    {
        var script = ScriptedTool.Register((t, c) => Task.FromResult(false));
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
        });
        Assert.Equal("redo did not create explicit output dependency 'ObjectFile': 'a.o'\n  | reason: does not exist", e.Message);
    }

    // Issue 13 item 5: dlb ignores an absolute path into the management tree among the inputs a redo reports (as it
    // ignores one outside the working tree); a ported tool may report what its helper read in '.kiln/t/'. A relative
    // one is still the script's mistake.
    [Fact]
    public void An_absolute_path_into_the_management_tree_reported_as_a_non_explicit_input_is_ignored()
    {
        var reported = new ReportingTool { Reported = [_tree.PathOf(".kiln/t/x.h"), _tree.PathOf(".kiln")], ObjectFile = "a.o" };
        using (_tree.Enter())
            Assert.True(reported.Start());
        using (_tree.Enter())
            Assert.False(reported.Start());

        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ReportingTool { Reported = [".kiln/t/x.h"], ObjectFile = "b.o" }.Start();
        });
        Assert.Equal(
            "non-explicit dependency 'IncludedFiles' contains a path that is not a managed tree path: '.kiln/t/x.h'\n" +
            "  | reason: path in non-permitted part of the working tree: '.kiln/t/x.h'",
            e.Message);
    }

    // Issue 13 item 5: a helper whose task the redo did not await used to run on after the redo had returned (and after
    // kiln had exited), writing outputs already checked. It is killed when its redo ends, and the redo fails naming it.
    [Fact]
    public void A_redo_that_returns_before_its_helper_finished_fails_and_the_helper_is_killed()
    {
        var pidFile = _tree.PathOf("helper.pid");
        var script = ScriptedTool.Register(async (t, c) =>
        {
            _ = StartSleepingHelper(c, pidFile);
            await WaitForPidAsync(pidFile);
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            return false;
        });
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
        });
        Assert.Equal(
            "redo returned before its helper finished: 'sh'\n" +
            "  | reason: the task of 'context.RunHelperAsync(…)' was not awaited; the helper was killed\n" +
            "  | await every helper in RedoAsync (the C# compiler warns of each one not awaited: CS4014)",
            e.Message);
        Assert.False(Directory.Exists("/proc/" + File.ReadAllText(pidFile).Trim()), "the helper still runs");
    }

    [Fact]
    public void A_failed_redo_kills_the_helpers_it_left_running_and_keeps_its_own_error()
    {
        var pidFile = _tree.PathOf("helper.pid");
        var script = ScriptedTool.Register(async (t, c) =>
        {
            _ = StartSleepingHelper(c, pidFile);
            await WaitForPidAsync(pidFile);
            throw new InvalidOperationException("compiler crashed");
        });
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
        });
        Assert.Equal("compiler crashed", e.Message);
        Assert.False(Directory.Exists("/proc/" + File.ReadAllText(pidFile).Trim()), "the helper still runs");
    }

    /// <summary>Starts <c>sh</c>, which writes its process id to <paramref name="pidFile"/> and becomes <c>sleep 60</c> (same process).</summary>
    private static Task<int> StartSleepingHelper(Kiln.Tools.RedoContext context, string pidFile) =>
        context.RunHelperAsync("sh", ["-c", "echo $$ > \"$0.tmp\" && mv \"$0.tmp\" \"$0\" && exec sleep 60", pidFile],
            new Kiln.Tools.HelperOptions { ForcedEnvironment = new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" } });

    private static async Task WaitForPidAsync(string pidFile)
    {
        while (!File.Exists(pidFile))
            await Task.Delay(10, TestContext.Current.CancellationToken);
    }

    // dlb's temporary(): unique names a, b, … under the management tree, removed with their content.
    [Fact]
    public void Temporaries_have_unique_names_in_the_management_tree_and_are_removed()
    {
        var seen = new List<string>();
        var script = ScriptedTool.Register(async (t, c) =>
        {
            using (var file = c.Temporary(suffix: ".o"))
            using (var directory = c.Temporary(isDirectory: true))
            {
                seen.Add(file.Path.AsString());
                seen.Add(directory.Path.AsString());
                Assert.True(File.Exists(c.NativePathOf(file.Path)));
                await File.WriteAllTextAsync(Path.Combine(c.NativePathOf(directory.Path), "inner"), "i");
            }
            Assert.False(File.Exists(c.NativePathOf(seen[0])));
            Assert.False(Directory.Exists(c.NativePathOf(seen[1])));
            var e = Assert.Throws<ArgumentException>(() => c.Temporary(suffix: "x"));
            Assert.StartsWith("non-empty 'suffix' must start with a punctuation character and not contain '/', not 'x'", e.Message);
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            return false;
        });
        using (_tree.Enter())
            new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start().Complete();
        Assert.Equal([".kiln/t/a.o", ".kiln/t/b/"], seen);
        Assert.False(Directory.Exists(_tree.PathOf(".kiln/t")));
    }

    // dlb: a stored path that cannot be decoded causes a redo, with a warning (a suspicious reason).
    [Fact]
    public void An_undecodable_path_in_the_run_database_causes_a_redo_with_a_warning()
    {
        _tree.Write("a.cpp", "x");
        var t = new FTool { SourceFile = "a.cpp", ObjectFile = "a.o" };
        using (_tree.Enter())
        {
            t.Start();
            t.Start();
        }
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_tree.PathOf(".kiln/runs-2.sqlite")};Pooling=False"))
        {
            connection.Open();
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE Input SET path='a//h/' WHERE path='a.h/'";
            Assert.Equal(1, update.ExecuteNonQuery());
        }
        _tree.TakeOutput();
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of invalid encoded path: 'a//h/'", t.Start().Reason?.ToString());
            // The redo declares a.h again, now as a new dependency (whose state is unknown: it does not exist).
            Assert.Equal("redo necessary because of filesystem object: 'a.h' (reason: was a new dependency or was potentially changed by a redo)", t.Start().Reason?.ToString());
            Assert.False(t.Start());
        }
        Assert.Contains("W redo necessary because of invalid encoded path: 'a//h/'\n", _tree.TakeOutput());
    }

    // dlb: an absolute path inside the working tree, or one with '..', is the same managed tree path.
    [Fact]
    public void An_absolute_or_collapsable_input_path_is_tracked_as_its_managed_tree_path()
    {
        _tree.Write("src/a.cpp", "a");
        var absolute = new ATool { SourceFile = _tree.PathOf("src/a.cpp"), ObjectFile = "a.o" };
        var dotdot = new ATool { SourceFile = "src/../src/a.cpp", ObjectFile = "b.o" };
        using (_tree.Enter())
        {
            absolute.Start();
            dotdot.Start();
        }
        _tree.Write("src/a.cpp", "bb");
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: size has changed)", absolute.Start().Reason?.ToString());
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: size has changed)", dotdot.Start().Reason?.ToString());
        }
        Assert.Equal("bb", _tree.Read("b.o"));
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A log output that completes a task when a text containing <paramref name="trigger"/> is written.</summary>
    private sealed class SignallingWriter(string trigger, TaskCompletionSource signal) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            if (value?.Contains(trigger, StringComparison.Ordinal) == true)
                signal.TrySetResult();
        }
    }
}
